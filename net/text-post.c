/* text-post.c - one plain-text HTTPS POST (text-post.h). */
#include "net/text-post.h"

#include <string.h>

#include <curl/curl.h>

/* Where the answer goes, and whether it grew past the cap. */
struct sink {
	struct buf *out;
	int over;
};

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	struct od_err err;

	if (s->out->len + size * n > TEXT_POST_MAX ||
	    buf_add(s->out, p, size * n, &err) != OD_OK) {
		s->over = 1;
		return 0;
	}
	return size * n;
}

/* Sets up h for one POST; nonzero when libcurl refused an option. */
static int setup(CURL *h, const char *url, const char *ca_file,
		 const char *body, size_t len, long timeout_s,
		 struct curl_slist *hdr, struct sink *s, char *errbuf)
{
	int bad = 0;

	bad |= curl_easy_setopt(h, CURLOPT_URL, url);
	bad |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	bad |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file != NULL)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	bad |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s);
	bad |= curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	bad |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	bad |= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				(curl_off_t)len);
	bad |= curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	bad |= curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	bad |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	return bad;
}

enum od_code text_post(const char *url, const char *ca_file, const char *body,
		       size_t len, long timeout_s, long *status,
		       struct buf *resp, struct od_err *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink s = { resp, 0 };
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: "
						   "text/plain; charset=utf-8");
	CURL *h = curl_easy_init();
	CURLcode cc;
	enum od_code rc = OD_OK;

	*status = 0;
	buf_reset(resp);
	if (h == NULL || hdr == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	else if (strncmp(url, "https://", 8) != 0 ||
		 setup(h, url, ca_file, body, len, timeout_s, hdr, &s, errbuf))
		rc = od_err_set(err, OD_E_INPUT, "%.200s is not an https URL "
				"this client can use", url);
	if (rc == OD_OK && (cc = curl_easy_perform(h)) != CURLE_OK)
		rc = od_err_set(err, OD_E_IO, "%.200s: %s", url, s.over ?
				"the answer is too long" :
				errbuf[0] ? errbuf : curl_easy_strerror(cc));
	if (rc == OD_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hdr);
	if (h != NULL)
		curl_easy_cleanup(h);
	return rc;
}
