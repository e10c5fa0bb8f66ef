/* events.c - orderdeskd's security event log (events.h). */
#include "app/orderdeskd/events.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-journal.h>

#include "storage/store-events.h"

static const struct {
	const char *name;
	const char *message_id;   /* journald's MESSAGE_ID, one per kind */
	int priority;             /* syslog's: 4 warning, 5 notice */
} kinds[EVENT_KINDS] = {
	[EVENT_CERT_REFUSED] = { "cert-refused",
		"71d2dd5e7e4ba4eb3b0a768b4df5aa49", 4 },
	[EVENT_CERT_REVOKED] = { "cert-revoked",
		"c68d3ccc12c2c56e69934048a8614fb5", 4 },
	[EVENT_HANDSHAKE] = { "handshake-refused",
		"788690d3a455a18df8984a34aa6a2eb3", 5 },
	[EVENT_REQUEST_REFUSED] = { "request-refused",
		"3d2bc0d641783c95a2002b853da5feaf", 5 },
	[EVENT_JOIN_WRONG] = { "join-wrong",
		"84a5aaf1a75bd388623b3f70c846661b", 4 },
	[EVENT_JOIN_BURNED] = { "join-burned",
		"210da6da07a86f21f1ea2183bac013d6", 4 },
	[EVENT_JOIN_LIMIT] = { "join-limit",
		"554cff55c653ca04585202d15b899bb3", 4 },
	[EVENT_JOIN_REFUSED] = { "join-refused",
		"b75b53c2fe3c5c2aaed8c196c33d5d21", 5 },
	[EVENT_STMT_REFUSED] = { "statement-refused",
		"a0bc7a3033c604f5c27c4d13b8f0387e", 4 },
	[EVENT_STMT_REPLAYED] = { "statement-replayed",
		"f72382c22f0572b3b5eb26dd3af993f7", 4 },
	[EVENT_LIMIT_CONNECTIONS] = { "limit-connections",
		"9b3ba61e31fbd052bbf1304e1060d93c", 4 },
	[EVENT_LIMIT_PER_IP] = { "limit-per-address",
		"7ac71b0b5d6b85d26278fac3640ea6ea", 4 },
	[EVENT_LIMIT_BODY] = { "limit-body",
		"83ea6a8e85efe667de4d0da2e6b035c9", 4 },
	[EVENT_LIMIT_TIME] = { "limit-time",
		"0fd2b18903cb81a40fb0faeb3e33830e", 4 },
	[EVENT_DESK_REVOKED] = { "desk-revoked",
		"4f1c0b7d2e9a4c55a1e3d6b8c07f2a91", 5 },
	[EVENT_HOOK_SIGNATURE] = { "webhook-signature",
		"e20c59e947cc4b618f3c594ac465aec3", 4 },
	[EVENT_WITNESS_REFUSED] = { "witness-refused",
		"9d41c7e0a5b84f2c8e6a13d75b0f2c48", 2 },
	[EVENT_DROPPED] = { "events-dropped",
		"e2a94d1b6c3f4e8a9b0d7c5f1a2e3b64", 4 },
	[EVENT_UNLOCK_FAILED] = { "unlock-failed",
		"5b8e0c3f71d24a96b2f4e6a1d9c07b38", 4 },
};

#define ADDR_MAX   48
#define NAME_MAX_  65
#define DETAIL_MAX 200

struct queued {
	long long time;
	enum event_kind kind;
	char addr[ADDR_MAX], name[NAME_MAX_], detail[DETAIL_MAX];
};

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct queued queue[EVENTS_QUEUE];
static size_t queued;
static unsigned long long dropped;

/* The request this thread serves (events_request). */
static _Thread_local char cur_addr[ADDR_MAX], cur_name[NAME_MAX_];
/* A certificate refusal was just said on this thread: libmicrohttpd's
 * own line for the same failed handshake is not a second event. */
static _Thread_local int cert_said;
/* A revoked certificate this thread just refused (event_revoked): the
 * server's line for the 403 that follows has the address. */
static _Thread_local char revoked_name[NAME_MAX_], revoked_serial[88];

const char *event_kind_name(enum event_kind kind)
{
	return (unsigned)kind < EVENT_KINDS ? kinds[kind].name : "unknown";
}

int event_kind_parse(const char *name)
{
	int i;

	for (i = 0; i < EVENT_KINDS; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return i;
	return -1;
}

/* An IP literal (digits, hex, '.', ':'), or "". */
static void clean_addr(char *out, size_t size, const char *in)
{
	size_t i;

	out[0] = '\0';
	if (in == NULL || strlen(in) >= size)
		return;
	for (i = 0; in[i] != '\0'; i++)
		if (strchr("0123456789abcdefABCDEF.:", in[i]) == NULL)
			return;
	memcpy(out, in, i + 1);
}

/* Printable ASCII without quotes or backslashes, cut to fit; else "". */
static void clean_name(char *out, size_t size, const char *in)
{
	size_t i;

	out[0] = '\0';
	if (in == NULL)
		return;
	for (i = 0; in[i] != '\0' && i + 1 < size; i++) {
		if (in[i] < 0x20 || in[i] > 0x7e || in[i] == '"' ||
		    in[i] == '\\') {
			snprintf(out, size, "(unprintable)");
			return;
		}
		out[i] = in[i];
	}
	out[i] = '\0';
}

/* Whether in[i] opens a quotation: " or `, or ' not inside a word
 * (the backend's). */
static int opens_quote(const char *in, size_t i)
{
	char c = in[i], before = i > 0 ? in[i - 1] : ' ';

	return c == '"' || c == '`' ||
	       (c == '\'' && !isalnum((unsigned char)before));
}

void event_clean_detail(char *out, size_t size, const char *in)
{
	size_t o = 0, i;
	char quote = 0;

	if (size == 0)
		return;
	for (i = 0; in != NULL && in[i] != '\0' && o + 6 < size; i++) {
		if (quote != 0) {
			if (in[i] == quote)
				quote = 0;
			continue;
		}
		/* What a reason quotes is what it refused: the data. */
		if (opens_quote(in, i)) {
			quote = in[i] == '`' ? '\'' : in[i];
			memcpy(out + o, "(...)", 5);
			o += 5;
		} else if (in[i] >= 0x20 && in[i] <= 0x7e && in[i] != '\\') {
			out[o++] = in[i];
		} else if (in[i] == '\n' || in[i] == '\t') {
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
}

void event_format(char *out, size_t size, long long when,
		  enum event_kind kind, const char *addr, const char *name,
		  const char *detail)
{
	char stamp[32];
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out, size, "%s event %s from %s%s%s%s: %s", stamp,
		 event_kind_name(kind), addr[0] != '\0' ? addr : "(no address)",
		 name[0] != '\0' ? " (" : "", name,
		 name[0] != '\0' ? ")" : "", detail);
}

/* Says e on journald (under systemd) or stderr. */
static void emit(const struct queued *e)
{
	char line[512];

	event_format(line, sizeof line, e->time, e->kind, e->addr, e->name,
		     e->detail);
	if (getenv("JOURNAL_STREAM") == NULL ||
	    sd_journal_send("MESSAGE=orderdeskd: %s", line,
			    "MESSAGE_ID=%s", kinds[e->kind].message_id,
			    "PRIORITY=%d", kinds[e->kind].priority,
			    "SYSLOG_IDENTIFIER=orderdeskd",
			    "ORDERDESK_EVENT=%s", kinds[e->kind].name,
			    "ORDERDESK_PEER_ADDRESS=%s", e->addr,
			    "ORDERDESK_PEER_NAME=%s", e->name,
			    "ORDERDESK_DETAIL=%s", e->detail, NULL) < 0)
		fprintf(stderr, "orderdeskd: %s\n", line);
}

void events_request(const char *addr, const char *name)
{
	clean_addr(cur_addr, sizeof cur_addr, addr);
	clean_name(cur_name, sizeof cur_name, name);
}

void event_say(enum event_kind kind, const char *addr, const char *name,
	       const char *detail)
{
	struct queued e;

	if ((unsigned)kind >= EVENT_KINDS)
		return;
	e.time = (long long)time(NULL);
	e.kind = kind;
	clean_addr(e.addr, sizeof e.addr, addr != NULL ? addr : cur_addr);
	clean_name(e.name, sizeof e.name, name != NULL ? name : cur_name);
	event_clean_detail(e.detail, sizeof e.detail, detail);
	emit(&e);
	pthread_mutex_lock(&queue_lock);
	if (queued < EVENTS_QUEUE)
		queue[queued++] = e;
	else
		dropped++;
	pthread_mutex_unlock(&queue_lock);
}

void event_statement(const char *id, const char *reason)
{
	char detail[DETAIL_MAX];
	int replay = reason != NULL &&
		     strstr(reason, "already has this id") != NULL;

	snprintf(detail, sizeof detail, "statement %.40s: %s",
		 id != NULL && id[0] != '\0' ? id : "(no id)",
		 reason != NULL ? reason : "");
	event_say(replay ? EVENT_STMT_REPLAYED : EVENT_STMT_REFUSED, NULL,
		  NULL, detail);
}

void event_join(const char *addr, unsigned status, const char *reason)
{
	char detail[DETAIL_MAX];
	enum event_kind kind = EVENT_JOIN_WRONG;

	if (status < 400 || status >= 500)
		return;
	if (status == 429)
		kind = EVENT_JOIN_LIMIT;
	else if (status == 409)
		kind = EVENT_JOIN_REFUSED;
	else if (reason != NULL && strstr(reason, "burned") != NULL)
		kind = EVENT_JOIN_BURNED;
	snprintf(detail, sizeof detail, "%u %s", status,
		 reason != NULL ? reason : "");
	event_say(kind, addr, "", detail);
}

/* "refused a certificate from ADDR: "NAME" (REASON)" */
static void from_cert_line(const char *rest)
{
	char addr[ADDR_MAX], name[NAME_MAX_], detail[DETAIL_MAX];
	const char *colon = strstr(rest, ": \""), *q, *paren;
	size_t n;

	if (colon == NULL || (size_t)(colon - rest) >= sizeof addr)
		return;
	memcpy(addr, rest, (size_t)(colon - rest));
	addr[colon - rest] = '\0';
	q = strchr(colon + 3, '"');
	if (q == NULL)
		return;
	n = (size_t)(q - (colon + 3));
	snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n :
						 sizeof name - 1), colon + 3);
	paren = strstr(q, " (");
	snprintf(detail, sizeof detail, "the handshake refused its "
		 "certificate: %s", paren != NULL ? paren + 2 : "");
	n = strlen(detail);
	if (n > 0 && detail[n - 1] == ')')
		detail[n - 1] = '\0';
	cert_said = 1;
	event_say(EVENT_CERT_REFUSED, addr, name, detail);
}

/* "refused a handshake from ADDR: libmicrohttpd's words": one event,
 * unless the certificate's refusal just said it (https-server.c). */
static void from_handshake_line(const char *rest, int said)
{
	char addr[ADDR_MAX];
	const char *colon = strstr(rest, ": ");
	size_t n = colon != NULL ? (size_t)(colon - rest) : 0;

	if (said || n == 0 || n >= sizeof addr)
		return;
	memcpy(addr, rest, n);
	addr[n] = '\0';
	event_say(EVENT_HANDSHAKE, addr, "", colon + 2);
}

/* "refused a request: STATUS MESSAGE (from ADDR)" */
static void from_request_line(const char *rest)
{
	char addr[ADDR_MAX] = "", detail[DETAIL_MAX];
	const char *from = strstr(rest, " (from ");
	enum event_kind kind = EVENT_REQUEST_REFUSED;
	unsigned long status = strtoul(rest, NULL, 10);
	size_t n = from != NULL ? strlen(from + 7) : 0;

	if (n > 1 && n < sizeof addr) {
		memcpy(addr, from + 7, n - 1);   /* without the ')' */
		addr[n - 1] = '\0';
	}
	if (status == 403 && revoked_serial[0] != '\0') {
		kind = EVENT_CERT_REVOKED;
		snprintf(detail, sizeof detail, "revoked certificate, serial "
			 "%s", revoked_serial);
		revoked_serial[0] = '\0';
		event_say(kind, addr, revoked_name, detail);
		return;
	}
	if (status == 503)
		kind = strstr(rest, "from this address") != NULL ?
		       EVENT_LIMIT_PER_IP : EVENT_LIMIT_CONNECTIONS;
	else if (status == 413)
		kind = EVENT_LIMIT_BODY;
	else if (status == 408)
		kind = EVENT_LIMIT_TIME;
	snprintf(detail, sizeof detail, "%.*s",
		 (int)(from != NULL ? (size_t)(from - rest) : strlen(rest)),
		 rest);
	event_say(kind, addr, "", detail);
}

void event_revoked(const char *serial, const char *name)
{
	size_t i;

	clean_name(revoked_name, sizeof revoked_name, name);
	for (i = 0; serial[i] != '\0' && i + 1 < sizeof revoked_serial; i++)
		revoked_serial[i] = strchr("0123456789abcdef", serial[i]) ?
				    serial[i] : '?';
	revoked_serial[i] = '\0';
}

void event_from_log(const char *line)
{
	static const char cert[] = "refused a certificate from ";
	static const char req[] = "refused a request: ";
	static const char hs[] = "refused a handshake from ";
	int said = cert_said;

	cert_said = 0;
	if (strncmp(line, cert, sizeof cert - 1) == 0)
		from_cert_line(line + sizeof cert - 1);
	else if (strncmp(line, hs, sizeof hs - 1) == 0)
		from_handshake_line(line + sizeof hs - 1, said);
	else if (strncmp(line, req, sizeof req - 1) == 0)
		from_request_line(line + sizeof req - 1);
	else if (strncmp(line, "closed a connection: its request took",
			 37) == 0)
		event_say(EVENT_LIMIT_TIME, "", "", line);
	else if (strncmp(line, "closed ", 7) == 0 &&
		 strstr(line, "(max_connections)") != NULL)
		event_say(EVENT_LIMIT_CONNECTIONS, "", "", line);
	/* libmicrohttpd's own words for a failed handshake. */
	else if (!said && (strstr(line, "handshake") != NULL ||
			   strstr(line, "TLS") != NULL))
		event_say(EVENT_HANDSHAKE, "", "", line);
	revoked_serial[0] = '\0';   /* its line was this one, or none */
}

void events_flush(struct store *s)
{
	static struct store_event evs[EVENTS_QUEUE + 1];
	static struct queued taken[EVENTS_QUEUE];
	static pthread_mutex_t flush_lock = PTHREAD_MUTEX_INITIALIZER;
	char lost[64];
	unsigned long long gone;
	struct od_err err;
	size_t i, n;

	pthread_mutex_lock(&flush_lock);
	pthread_mutex_lock(&queue_lock);
	n = queued;
	memcpy(taken, queue, n * sizeof *queue);
	queued = 0;
	gone = dropped;
	dropped = 0;
	pthread_mutex_unlock(&queue_lock);
	for (i = 0; i < n; i++) {
		evs[i].time = taken[i].time;
		evs[i].kind = event_kind_name(taken[i].kind);
		evs[i].addr = taken[i].addr;
		evs[i].name = taken[i].name;
		evs[i].detail = taken[i].detail;
	}
	if (gone > 0) {
		snprintf(lost, sizeof lost, "%llu events lost: too many at "
			 "once", gone);
		evs[n].time = (long long)time(NULL);
		evs[n].kind = event_kind_name(EVENT_DROPPED);
		evs[n].addr = evs[n].name = "";
		evs[n].detail = lost;
		n++;
	}
	if (s != NULL && n > 0 && store_events_add(s, evs, n, &err) != OD_OK)
		fprintf(stderr, "orderdeskd: cannot keep %zu security events "
			"in the store: %s\n", n, err.msg);
	pthread_mutex_unlock(&flush_lock);
}
