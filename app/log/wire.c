/* wire.c - the texts the desk and the backend both build. */
#include "app/log/wire.h"

#include "lib/encode.h"

enum od_code wire_head_text(long long seq, const uint8_t hash[32],
			    const char *time_str, struct buf *out,
			    struct od_err *err)
{
	char hex[65];

	hex_encode(hash, 32, hex);
	return buf_addf(out, err, "%s\nseq: %lld\nhash: %s\ntime: %s\n",
			WIRE_HEAD_MAGIC, seq, hex, time_str);
}
