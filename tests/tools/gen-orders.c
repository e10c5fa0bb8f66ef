/*
 * gen-orders.c - writes N valid orders in the import format, for tests,
 * benchmarks and the demo shop's sample data.
 *
 *   gen-orders N SEED > orders.json
 *   gen-orders --csv N SEED > orders.csv
 *   gen-orders --money N SEED > orders.json
 *
 * The output depends only on N and SEED (its own PRNG, no clock, no locale),
 * so a file made once can be made again byte for byte.  Orders are numbered
 * from 1001; names, addresses and items mix Latin and CJK scripts; the
 * currencies vary; each order has 1 to 5 items with distinct SKUs and a
 * total that is their sum.  Some values hold commas, quotes and non-ASCII
 * punctuation on purpose, so that the CSV form exercises quoting.
 * With --money (JSON only) every order also carries shipping, tax, a
 * discount now and then and how it arrived (paid, cod, authorized or
 * unpaid), derived from its number without the PRNG, so the rest of each
 * order is the same bytes as without it: for `make bench`'s mix.
 * The formats are described in assets/import-format.md.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ORDERS 1000000
#define FIRST_NUMBER 1001

struct person {
	const char *name;
	const char *alias;     /* local part of the e-mail address */
};

struct place {
	const char *city;
	const char *postcode;  /* NULL where the country has none */
	const char *street;
};

/* Where an order goes: its country's currency, people, places, habits. */
struct locale {
	const char *country;
	const char *currency;
	int rate_num, rate_den;   /* minor units per US cent */
	int round_to;             /* prices rounded to this many minor units */
	const char *mail_domain;
	const char *phone_prefix; /* country and area code */
	const struct person *people;
	size_t npeople;
	const struct place *places;
	size_t nplaces;
	const char *const *extra_lines;   /* second address lines */
	size_t nextra;
	const char *const *notes;
	size_t nnotes;
};

struct product {
	const char *sku;
	const char *name;
	int usd_cents;
};

#define N(a) (sizeof (a) / sizeof (a)[0])

static const struct person cn_people[] = {
	{ "王小明", "wang.xm" }, { "李娜", "li.na" }, { "张伟", "zhang.wei" },
	{ "刘洋", "liu.yang" }, { "陈静", "chen.jing" },
	{ "Li Wei (李伟)", "liwei" },
};
static const struct place cn_places[] = {
	{ "北京", "100022", "朝阳区建国路88号" },
	{ "上海", "200120", "浦东新区世纪大道100号" },
	{ "广州", "510620", "天河区体育西路191号" },
	{ "杭州", "310012", "西湖区文三路259号" },
	{ "成都", "610041", "武侯区人民南路四段12号" },
};
static const char *const cn_extra[] = { "3号楼 1204室", "B座 8层" };
static const char *const cn_notes[] = {
	"请周末送货", "请放在门卫处", "发票抬头：个人", "礼品包装，谢谢！",
};

static const struct person jp_people[] = {
	{ "山田太郎", "yamada.taro" }, { "佐藤花子", "sato.hanako" },
	{ "鈴木一郎", "suzuki.ichiro" }, { "高橋美咲", "takahashi.misaki" },
	{ "田中 健", "tanaka.ken" },
};
static const struct place jp_places[] = {
	{ "東京都", "100-0005", "千代田区丸の内1-9-1" },
	{ "東京都", "150-0041", "渋谷区神南1-2-3" },
	{ "大阪府", "530-0001", "大阪市北区梅田3-1-1" },
	{ "京都府", "600-8216", "京都市下京区烏丸通塩小路下ル" },
};
static const char *const jp_extra[] = {
	"グランドメゾン 302号室", "サンハイツ 5F",
};
static const char *const jp_notes[] = {
	"午前中に配達してください", "置き配希望（玄関前）",
};

static const struct person kr_people[] = {
	{ "김민준", "kim.minjun" }, { "이서연", "lee.seoyeon" },
	{ "박지훈", "park.jihoon" }, { "최수아", "choi.sua" },
};
static const struct place kr_places[] = {
	{ "서울", "04524", "중구 세종대로 110" },
	{ "부산", "48058", "해운대구 해운대해변로 264" },
	{ "인천", "21999", "연수구 센트럴로 123" },
};
static const char *const kr_extra[] = { "101동 1502호", "2층" };
static const char *const kr_notes[] = {
	"부재 시 경비실에 맡겨 주세요", "배송 전 연락 바랍니다",
};

static const struct person hk_people[] = {
	{ "陳大文", "chan.taiman" }, { "黃美玲", "wong.meiling" },
	{ "Chan Siu Ming", "sm.chan" },
};
static const struct place hk_places[] = {
	{ "香港", NULL, "九龍彌敦道123號" },
	{ "香港", NULL, "中環皇后大道中99號" },
};
static const char *const hk_extra[] = { "15樓A室", "地下" };
static const char *const hk_notes[] = { "請於辦公時間送貨" };

static const struct person de_people[] = {
	{ "Anna Müller", "anna.mueller" }, { "Jürgen Weiß", "j.weiss" },
	{ "Lena Schäfer", "lena" }, { "Özlem Yılmaz", "oezlem.y" },
};
static const struct place de_places[] = {
	{ "Berlin", "10117", "Friedrichstraße 123" },
	{ "München", "80331", "Marienplatz 8" },
	{ "Köln", "50667", "Hohe Straße 41" },
};
static const char *const de_extra[] = { "Hinterhaus, 3. OG", "c/o Weber" };
static const char *const de_notes[] = {
	"Bitte beim Nachbarn abgeben, falls niemand da ist",
	"Rechnung bitte per E-Mail",
};

static const struct person fr_people[] = {
	{ "Émile Dubois", "emile.dubois" }, { "Chloé Lefèvre", "chloe" },
	{ "François Moreau", "f.moreau" },
};
static const struct place fr_places[] = {
	{ "Paris", "75001", "12, rue de Rivoli" },
	{ "Lyon", "69002", "3, place Bellecour" },
	{ "Marseille", "13001", "45, La Canebière" },
};
static const char *const fr_extra[] = { "Bâtiment B, 2e étage", "Digicode 4512" };
static const char *const fr_notes[] = {
	"Sonnez deux fois, s'il vous plaît", "Livraison après 18 h",
};

static const struct person es_people[] = {
	{ "José García", "jose.garcia" }, { "María Fernández", "maria.f" },
	{ "Iñaki Etxeberria", "inaki" },
};
static const struct place es_places[] = {
	{ "Madrid", "28013", "Calle Mayor 15, 3º izq." },
	{ "Barcelona", "08001", "La Rambla 91" },
};
static const char *const es_extra[] = { "Escalera 2, puerta 7" };
static const char *const es_notes[] = { "Entregar por la mañana" };

static const struct person us_people[] = {
	{ "John Smith", "john.smith" }, { "Emily \"Em\" Johnson", "em" },
	{ "Michael O'Brien", "mobrien" }, { "Nguyễn Văn An", "an.nguyen" },
};
static const struct place us_places[] = {
	{ "Springfield", "62704", "742 Evergreen Terrace" },
	{ "Portland", "97205", "1005 SW Park Ave" },
	{ "New York", "10013", "350 Canal St" },
};
static const char *const us_extra[] = { "Apt 4B", "Suite 200, Attn: Receiving" };
static const char *const us_notes[] = {
	"Leave at the back door, please", "Gift: don't include the invoice",
};

static const struct person gb_people[] = {
	{ "Oliver Brown", "oliver.brown" }, { "Amelia Wilson", "amelia" },
	{ "Siobhán Murphy", "siobhan" },
};
static const struct place gb_places[] = {
	{ "London", "NW1 6XE", "221B Baker Street" },
	{ "Edinburgh", "EH1 1YZ", "1 Princes Street" },
};
static const char *const gb_extra[] = { "Flat 3", "Rear entrance" };
static const char *const gb_notes[] = { "Ring the bell twice" };

#define LOCALE(cc, cur, num, den, rnd, dom, ph, pre) \
	{ cc, cur, num, den, rnd, dom, ph, pre##_people, N(pre##_people), \
	  pre##_places, N(pre##_places), pre##_extra, N(pre##_extra), \
	  pre##_notes, N(pre##_notes) }

static const struct locale locales[] = {
	LOCALE("CN", "CNY", 72, 10, 10, "example.cn", "+86 138 ", cn),
	LOCALE("JP", "JPY", 15, 10, 10, "example.jp", "+81 90 ", jp),
	LOCALE("KR", "KRW", 135, 10, 100, "example.kr", "+82 10 ", kr),
	LOCALE("HK", "HKD", 78, 10, 10, "example.hk", "+852 ", hk),
	LOCALE("DE", "EUR", 92, 100, 1, "example.de", "+49 30 ", de),
	LOCALE("FR", "EUR", 92, 100, 1, "example.fr", "+33 6 ", fr),
	LOCALE("ES", "EUR", 92, 100, 1, "example.es", "+34 6", es),
	LOCALE("US", "USD", 1, 1, 1, "example.com", "+1 (555) ", us),
	LOCALE("GB", "GBP", 79, 100, 1, "example.co.uk", "+44 20 ", gb),
};

static const struct product products[] = {
	{ "TEA-001", "龙井茶 250g", 1780 },
	{ "TEA-002", "Sencha, 100 g", 1200 },
	{ "TEA-003", "玉露 緑茶 50g", 2450 },
	{ "CUP-010", "湯呑み 有田焼", 3200 },
	{ "MUG-011", "Ceramic mug, blue", 1450 },
	{ "KIM-020", "김치 1kg", 1100 },
	{ "GIN-021", "홍삼 정 240g", 8900 },
	{ "BOOK-030", "Le Petit Prince (édition 1943)", 1599 },
	{ "BOOK-031", "Der Process, Taschenbuch", 1250 },
	{ "SCARF-040", "Wool scarf \"Nordic\", grey", 4500 },
	{ "CHOP-050", "筷子套装 5双", 990 },
	{ "SOY-051", "醤油 500ml", 650 },
	{ "RAMEN-052", "신라면 5입", 750 },
	{ "PEN-060", "Füller, Stahlfeder F", 3990 },
	{ "BAG-070", "Tote bag – canvas", 2200 },
	{ "SOAP-080", "Savon de Marseille 300 g", 590 },
	{ "CHOC-090", "Schokolade 70 % Kakao", 390 },
	{ "MAP-100", "Carte de Paris, 1:10 000", 990 },
	{ "KNIFE-110", "包丁 三徳 165mm", 12900 },
	{ "FAN-120", "扇子 / Folding fan", 1800 },
	{ "GIFT/CARD.50", "Gift card", 5000 },
	{ "TEA_SET-7", "茶具套装（7件）", 6800 },
};

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t rng_state;

/* Returns the next 64 random bits. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Returns a number in [0, n). */
static size_t rng_below(size_t n)
{
	return (size_t)(rng_next() % n);
}

/* Returns 1 with probability pct percent. */
static int rng_pct(int pct)
{
	return (int)rng_below(100) < pct;
}

/* What one generated order holds; strings point into the tables. */
struct gen_item {
	const struct product *p;
	long long qty;
	long long price;
};

struct gen_order {
	unsigned long number;
	char placed_at[21];
	const struct locale *loc;
	const char *customer;
	char email[80];
	char phone[40];
	const char *ship_name;
	const char *lines[4];
	size_t nlines;
	const char *city;
	const char *postcode;
	struct gen_item items[5];
	size_t nitems;
	long long total;
	const char *note;
	long long shipping, tax, discount;   /* --money */
	const char *payment;                 /* --money: NULL for unpaid */
};

/* Converts a US price into the locale's minor units, rounded nicely. */
static long long local_price(const struct locale *loc, int usd_cents)
{
	long long v = (long long)usd_cents * loc->rate_num / loc->rate_den;

	v = (v + loc->round_to / 2) / loc->round_to * loc->round_to;
	return v > 0 ? v : loc->round_to;
}

/* Fills o with the next random order. */
static void gen_order(struct gen_order *o, unsigned long number,
		      time_t placed)
{
	const struct locale *loc = &locales[rng_below(N(locales))];
	const struct person *cust = &loc->people[rng_below(loc->npeople)];
	const struct person *recv = cust;
	const struct place *pl = &loc->places[rng_below(loc->nplaces)];
	size_t i, j;
	struct tm tm;

	memset(o, 0, sizeof *o);
	o->number = number;
	gmtime_r(&placed, &tm);
	strftime(o->placed_at, sizeof o->placed_at, "%Y-%m-%dT%H:%M:%SZ",
		 &tm);
	o->loc = loc;
	o->customer = cust->name;
	if (rng_pct(80))
		snprintf(o->email, sizeof o->email, "%s@%s", cust->alias,
			 loc->mail_domain);
	if (rng_pct(60))
		snprintf(o->phone, sizeof o->phone, "%s%04d %04d",
			 loc->phone_prefix, (int)rng_below(10000),
			 (int)rng_below(10000));
	/* Now and then a gift, sent to someone else. */
	if (rng_pct(15))
		recv = &loc->people[rng_below(loc->npeople)];
	o->ship_name = recv->name;
	o->lines[o->nlines++] = pl->street;
	if (rng_pct(40))
		o->lines[o->nlines++] = loc->extra_lines[rng_below(loc->nextra)];
	if (rng_pct(5)) {
		o->lines[o->nlines++] = "Reception";
		o->lines[o->nlines++] = "2nd desk";
	}
	o->city = pl->city;
	o->postcode = pl->postcode != NULL && rng_pct(95) ? pl->postcode : "";
	o->nitems = 1 + rng_below(5);
	for (i = 0; i < o->nitems; i++) {
		const struct product *p;

		/* Distinct SKUs: draw again on a repeat. */
		do {
			p = &products[rng_below(N(products))];
			for (j = 0; j < i; j++)
				if (o->items[j].p == p)
					break;
		} while (j < i);
		o->items[i].p = p;
		o->items[i].qty = rng_pct(80) ? 1 + (long long)rng_below(3) :
						1 + (long long)rng_below(12);
		o->items[i].price = local_price(loc, p->usd_cents);
		o->total += o->items[i].qty * o->items[i].price;
	}
	o->note = rng_pct(30) ? loc->notes[rng_below(loc->nnotes)] : "";
}

/* --money: charges and arrival from the order's number, not the PRNG. */
static void add_money(struct gen_order *o)
{
	static const char *const arrivals[] = { "paid", "cod", "authorized",
						NULL };
	long long items = o->total;

	o->shipping = local_price(o->loc, 300 + (int)(o->number % 7) * 100);
	o->tax = items / 10;
	o->discount = o->number % 5 == 0 ? local_price(o->loc, 200) : 0;
	if (o->discount > items)
		o->discount = items;
	o->total = items + o->shipping + o->tax - o->discount;
	o->payment = arrivals[o->number % 4];
}

/* Writes s as a JSON string. */
static void put_json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Writes a key and a string value, with a separator before if not first. */
static void put_json_field(const char *sep, const char *key, const char *v)
{
	printf("%s\"%s\": ", sep, key);
	put_json_str(v);
}

/* Writes one order as a JSON object; optional fields only when set. */
static void put_json_order(const struct gen_order *o, int last)
{
	size_t i;

	printf("  {\n    \"number\": \"%lu\",\n", o->number);
	printf("    \"placed_at\": \"%s\",\n", o->placed_at);
	printf("    \"currency\": \"%s\",\n", o->loc->currency);
	printf("    \"customer\": {");
	put_json_field("", "name", o->customer);
	if (o->email[0] != '\0')
		put_json_field(", ", "email", o->email);
	if (o->phone[0] != '\0')
		put_json_field(", ", "phone", o->phone);
	printf("},\n    \"ship_to\": {");
	put_json_field("", "name", o->ship_name);
	printf(", \"lines\": [");
	for (i = 0; i < o->nlines; i++) {
		if (i > 0)
			printf(", ");
		put_json_str(o->lines[i]);
	}
	printf("]");
	put_json_field(", ", "city", o->city);
	if (o->postcode[0] != '\0')
		put_json_field(", ", "postcode", o->postcode);
	put_json_field(", ", "country", o->loc->country);
	printf("},\n    \"items\": [\n");
	for (i = 0; i < o->nitems; i++) {
		printf("      {");
		put_json_field("", "sku", o->items[i].p->sku);
		put_json_field(", ", "name", o->items[i].p->name);
		printf(", \"qty\": %lld, \"unit_price\": %lld}%s\n",
		       o->items[i].qty, o->items[i].price,
		       i + 1 < o->nitems ? "," : "");
	}
	if (o->payment != NULL || o->shipping != 0)
		printf("    ],\n    \"shipping\": %lld, \"tax\": %lld, "
		       "\"discount\": %lld,\n    \"total\": %lld", o->shipping,
		       o->tax, o->discount, o->total);
	else
		printf("    ],\n    \"total\": %lld", o->total);
	if (o->payment != NULL)
		printf(", \"payment\": \"%s\"", o->payment);
	if (o->note[0] != '\0') {
		printf(",\n");
		put_json_field("    ", "note", o->note);
	}
	printf("\n  }%s\n", last ? "" : ",");
}

/* Writes s as a CSV field, quoted when RFC 4180 says it must be. */
static void put_csv_field(const char *s, int first)
{
	size_t n = strlen(s);

	if (!first)
		putchar(',');
	if (strpbrk(s, ",\"\r\n") == NULL &&
	    (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static const char csv_header[] =
	"number,placed_at,currency,customer_name,customer_email,"
	"customer_phone,ship_name,ship_line1,ship_line2,ship_line3,"
	"ship_line4,ship_city,ship_postcode,ship_country,total,note,"
	"sku,item_name,qty,unit_price";

/* Writes one order as CSV rows, one per item, CRLF line ends. */
static void put_csv_order(const struct gen_order *o)
{
	char num[32];
	size_t i, l;

	for (i = 0; i < o->nitems; i++) {
		snprintf(num, sizeof num, "%lu", o->number);
		put_csv_field(num, 1);
		put_csv_field(o->placed_at, 0);
		put_csv_field(o->loc->currency, 0);
		put_csv_field(o->customer, 0);
		put_csv_field(o->email, 0);
		put_csv_field(o->phone, 0);
		put_csv_field(o->ship_name, 0);
		for (l = 0; l < 4; l++)
			put_csv_field(l < o->nlines ? o->lines[l] : "", 0);
		put_csv_field(o->city, 0);
		put_csv_field(o->postcode, 0);
		put_csv_field(o->loc->country, 0);
		snprintf(num, sizeof num, "%lld", o->total);
		put_csv_field(num, 0);
		put_csv_field(o->note, 0);
		put_csv_field(o->items[i].p->sku, 0);
		put_csv_field(o->items[i].p->name, 0);
		printf(",%lld,%lld\r\n", o->items[i].qty, o->items[i].price);
	}
}

/* Parses a whole decimal argument within max; -1 if it is not one. */
static int parse_arg(const char *s, unsigned long long max,
			   unsigned long long *v)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	if (*end != '\0' || *v > max)
		return -1;
	return 0;
}

/* Prints how to call the program and returns the usage exit status. */
static int usage(void)
{
	fprintf(stderr,
		"usage: gen-orders [--csv | --money] N SEED\n"
		"  writes N (1..%d) valid orders, numbered from %d, as a JSON\n"
		"  array (or CSV with --csv) to standard output; the same N and\n"
		"  SEED always give the same bytes\n", MAX_ORDERS,
		FIRST_NUMBER);
	return 2;
}

int main(int argc, char **argv)
{
	struct tm start_tm = { .tm_year = 2026 - 1900, .tm_mon = 10,
			       .tm_mday = 1 };
	unsigned long long n, seed, i;
	struct gen_order o;
	time_t t;
	int csv = 0, money = 0, a = 1;

	if (argc > 1 && strcmp(argv[1], "--csv") == 0) {
		csv = 1;
		a = 2;
	} else if (argc > 1 && strcmp(argv[1], "--money") == 0) {
		money = 1;
		a = 2;
	}
	if (argc - a != 2 || parse_arg(argv[a], MAX_ORDERS, &n) != 0 ||
	    n == 0 || parse_arg(argv[a + 1], UINT64_MAX, &seed) != 0)
		return usage();
	rng_state = seed;
	t = timegm(&start_tm);
	if (csv)
		printf("%s\r\n", csv_header);
	else
		printf("[\n");
	for (i = 0; i < n; i++) {
		/* Orders arrive a few minutes to two hours apart. */
		t += 60 + (time_t)rng_below(7200);
		gen_order(&o, FIRST_NUMBER + (unsigned long)i, t);
		if (money)
			add_money(&o);
		if (csv)
			put_csv_order(&o);
		else
			put_json_order(&o, i + 1 == n);
	}
	if (!csv)
		printf("]\n");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen-orders: writing the output");
		return 1;
	}
	return 0;
}
