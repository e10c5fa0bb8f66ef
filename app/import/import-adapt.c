/*
 * import-adapt.c - the helpers the storefront adapters share: money as
 * storefronts write it, a SKU for items without one, one line per SKU,
 * notes made one line (see import-adapt.h).
 */
#include "app/import/import-adapt.h"

#include <gnutls/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/import/import-internal.h"
#include "app/import/import.h"
#include "lib/format.h"

enum od_code import_decimal(const char *pfx, const char *label,
			    const char *s, const char *currency,
			    long long *minor, struct od_err *err)
{
	int e = format_currency_exponent(currency), digits = 0, decimals = -1;
	long long v = 0;
	const char *p;

	if (e < 0)
		e = 2;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			goto bad;
		if (decimals >= e) {
			if (*p != '0')
				return od_err_set(err, OD_E_INPUT,
						  "%s: %s: has more decimals "
						  "than %s has", pfx, label,
						  currency);
			continue;
		}
		if (v > ORDER_MAX_AMOUNT)
			goto range;
		v = v * 10 + (*p - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
	}
	if (digits == 0)
		goto bad;
	for (decimals = decimals < 0 ? 0 : decimals; decimals < e; decimals++)
		v *= 10;
	if (v > ORDER_MAX_AMOUNT)
		goto range;
	*minor = v;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "%s: %s: must be an amount in "
			  "decimal, like 29.35", pfx, label);
range:
	return od_err_set(err, OD_E_INPUT, "%s: %s: is more than orderdesk "
			  "takes (10^12 minor units)", pfx, label);
}

/* The names import_derive_sku remembers: how many, and how long. */
#define SKU_MEMO_SLOTS 64
#define SKU_MEMO_NAME  128

void import_derive_sku(const char *name, char *sku)
{
	/*
	 * Exports name the same products over and over: a few names and their
	 * SKUs are kept, per thread (webhooks are read on the server's), in
	 * slots picked by a hash of the name (FNV-1a).
	 */
	static _Thread_local struct {
		char name[SKU_MEMO_NAME + 1];
		char sku[ORDER_SKU_MAX + 1];
	} memo[SKU_MEMO_SLOTS];
	static const char hex[] = "0123456789ABCDEF";
	unsigned char d[32];
	size_t n = 0, i, len = strlen(name);
	uint32_t h = 2166136261u;
	int dash = 0;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	h %= SKU_MEMO_SLOTS;
	if (len <= SKU_MEMO_NAME && memo[h].sku[0] != '\0' &&
	    strcmp(name, memo[h].name) == 0) {
		memcpy(sku, memo[h].sku, sizeof memo[h].sku);
		return;
	}

	for (i = 0; name[i] != '\0' && n < 40; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')) {
			if (dash && n > 0)
				sku[n++] = '-';
			if (n < 40)
				sku[n++] = c >= 'a' && c <= 'z' ? c - 32 : c;
			dash = 0;
		} else {
			dash = 1;
		}
	}
	if (n == 0) {
		memcpy(sku, "ITEM", 4);
		n = 4;
	}
	gnutls_hash_fast(GNUTLS_DIG_SHA256, name, len, d);
	sku[n++] = '-';
	for (i = 0; i < 4; i++) {
		sku[n++] = hex[d[i] >> 4];
		sku[n++] = hex[d[i] & 15];
	}
	sku[n] = '\0';
	if (len <= SKU_MEMO_NAME) {
		memcpy(memo[h].name, name, len + 1);
		memcpy(memo[h].sku, sku, n + 1);
	}
}

/* Gives item j the SKU "SKU~k", k the first suffix no item has. */
static enum od_code suffix_sku(struct order *o, size_t j, struct od_err *err)
{
	char buf[ORDER_SKU_MAX + 8];
	size_t k, i, base = strlen(o->items[j].sku);
	char *s;

	if (base > ORDER_SKU_MAX - 4)
		base = ORDER_SKU_MAX - 4;
	for (k = 2; k < 1000; k++) {
		snprintf(buf, sizeof buf, "%.*s/%zu", (int)base,
			 o->items[j].sku, k);
		for (i = 0; i < o->nitems; i++)
			if (strcmp(o->items[i].sku, buf) == 0)
				break;
		if (i == o->nitems)
			break;
	}
	s = strdup(buf);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	free(o->items[j].sku);
	o->items[j].sku = s;
	return OD_OK;
}

enum od_code import_merge_skus(struct order *o, struct od_err *err)
{
	struct order_item *a, *b;
	size_t i, j;
	enum od_code rc;

	for (j = 1; j < o->nitems; j++) {
		b = &o->items[j];
		for (i = 0; i < j; i++) {
			a = &o->items[i];
			if (strcmp(a->sku, b->sku) != 0)
				continue;
			if (strcmp(a->name, b->name) == 0 &&
			    a->unit_price == b->unit_price) {
				a->qty += b->qty;
				free(b->sku);
				free(b->name);
				memmove(b, b + 1,
					(o->nitems - j - 1) * sizeof *b);
				o->nitems--;
				j--;
				break;
			}
			rc = suffix_sku(o, j, err);
			if (rc != OD_OK)
				return rc;
			i = (size_t)-1;   /* the new SKU, checked again */
		}
	}
	return OD_OK;
}

enum od_code import_one_line(const char *text, char **out,
			     struct od_err *err)
{
	size_t n = strlen(text), i, k = 0;
	char *s;

	/* Breaks at either end are no part of the note. */
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' ||
			 text[n - 1] == ' '))
		n--;
	while (n > 0 && (text[0] == '\n' || text[0] == '\r' ||
			 text[0] == ' ')) {
		text++;
		n--;
	}
	s = malloc(3 * n + 1);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (text[i] == '\r' || text[i] == '\n') {
			if (text[i] == '\r' && i + 1 < n &&
			    text[i + 1] == '\n')
				i++;
			while (k > 0 && s[k - 1] == ' ')
				k--;
			memcpy(s + k, " / ", 3);
			k += 3;
			while (i + 1 < n && text[i + 1] == ' ')
				i++;
		} else {
			s[k++] = text[i] == '\t' ? ' ' : text[i];
		}
	}
	s[k] = '\0';
	/* Cut at ORDER_TEXT_MAX, at the start of a character. */
	if (k > ORDER_TEXT_MAX) {
		k = ORDER_TEXT_MAX;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
		s[k] = '\0';
	}
	*out = NULL;
	{
		enum od_code rc = import_copy_trimmed(out, s, k, err);

		free(s);
		return rc;
	}
}

enum od_code import_dup(const char *s, char **dst, struct od_err *err)
{
	if (s == NULL)
		s = "";
	return import_copy_trimmed(dst, s, strlen(s), err);
}

/* Reads n digits at s into *v; 0 if they are not all digits. */
static int digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

/* The offset at s ("+0100", "+01:00", "-05:00", "Z", "UTC", ""). */
static int zone_offset(const char *s, long *secs)
{
	int h, m, colon;

	while (*s == ' ')
		s++;
	*secs = 0;
	if (*s == '\0' || strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0)
		return 1;
	if (s[0] != '+' && s[0] != '-')
		return 0;
	colon = s[3] == ':';
	if (!digits(s + 1, 2, &h) || !digits(s + 3 + colon, 2, &m) ||
	    s[5 + colon] != '\0' || h > 14 || m > 59)
		return 0;
	*secs = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
	return 1;
}

/* v as n digits at p (v fits). */
static void put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* tm as 2026-11-20T15:15:30Z, what strftime would write, without its
 * cost (a storefront's file has a time per order). */
static void put_time(const struct tm *tm, char out[21])
{
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	put_digits(out, tm->tm_year + 1900, 4);
	put_digits(out + 5, tm->tm_mon + 1, 2);
	put_digits(out + 8, tm->tm_mday, 2);
	put_digits(out + 11, tm->tm_hour, 2);
	put_digits(out + 14, tm->tm_min, 2);
	put_digits(out + 17, tm->tm_sec, 2);
}

enum od_code import_utc_time(const char *pfx, const char *label,
			     const char *s, char out[21], struct od_err *err)
{
	int y, mo, d, h, mi, se;
	long long yy, era, yoe, doy, days;
	struct tm tm;
	long off;
	time_t t;

	if (strlen(s) < 19 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &se) || !zone_offset(s + 19, &off) ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return od_err_set(err, OD_E_INPUT, "%s: %s: must be a time "
				  "like 2026-11-20 10:15:30 +0100", pfx,
				  label);
	/* Days since 1970-01-01 (Hinnant's days_from_civil): no time zone
	 * machinery of the C library, which costs more than the rest. */
	yy = mo <= 2 ? y - 1 : y;
	era = yy / 400;
	yoe = yy - era * 400;
	doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
	days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	t = (time_t)(days * 86400 + h * 3600LL + mi * 60LL + se - off);
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 1000 - 1900 ||
	    tm.tm_year > 9999 - 1900)
		return od_err_set(err, OD_E_INPUT, "%s: %s: is out of range",
				  pfx, label);
	put_time(&tm, out);
	return OD_OK;
}

enum od_code import_item_room(struct order *o, const char *pfx,
			      struct od_err *err)
{
	struct order_item *grown;
	size_t n = o->nitems, cap;

	if (n == ORDER_MAX_ITEMS)
		return od_err_set(err, OD_E_INPUT, "%s: has more than %d "
				  "items", pfx, ORDER_MAX_ITEMS);
	/* Room for 4, then doubled each time it is full (a power of two). */
	if (o->items == NULL)
		cap = 4;
	else if (n >= 4 && (n & (n - 1)) == 0)
		cap = 2 * n;
	else
		return OD_OK;
	grown = realloc(o->items, cap * sizeof *grown);
	if (grown == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memset(grown + n, 0, (cap - n) * sizeof *grown);
	o->items = grown;
	return OD_OK;
}

enum od_code import_source_id(const char *pfx, const char *label,
			      const char *v, struct import_meta *m,
			      struct od_err *err)
{
	size_t n = strlen(v), i;

	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= 'a' && v[i] <= 'z') || v[i] == '-' ||
		      v[i] == '_'))
			break;
	if (i < n || n >= sizeof m->source_id || n > 20)
		return od_err_set(err, OD_E_INPUT, "%s: %s: must be at most "
				  "20 letters, digits, '-' or '_'", pfx,
				  label);
	memcpy(m->source_id, v, n + 1);
	return OD_OK;
}

enum od_code import_item_sku(struct order_item *it, const char *sku,
			     struct od_err *err)
{
	if (sku != NULL && sku[0] != '\0')
		return import_dup(sku, &it->sku, err);
	it->sku = malloc(ORDER_SKU_MAX + 1);
	if (it->sku == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	import_derive_sku(it->name, it->sku);
	return OD_OK;
}
