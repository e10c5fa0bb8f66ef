/* name-set.c - short names in an arena, found by open addressing. */
#include "lib/name-set.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* One slot: the name's offset in the arena plus one (0 is empty). */
struct slot {
	size_t name;
	size_t where;
};

struct name_set {
	uint64_t seed;        /* the hash's starting state */
	struct slot *slots;
	size_t nslots;        /* a power of two, kept at most half full */
	size_t count, max;
	char *arena;          /* the names, each with its NUL */
	size_t used, alloc;
};

/*
 * FNV-1a from a random starting state, one per set: order numbers come
 * from files and storefronts, and numbers picked to collide under a known
 * hash would make every probe walk a long run (quadratic time).  Without
 * the seed nobody can pick them in advance.
 */
static size_t name_hash(uint64_t seed, const char *s)
{
	uint64_t h = seed;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

enum od_code name_set_new(size_t max, struct name_set **out,
			  struct od_err *err)
{
	struct name_set *s;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	s->nslots = 64;
	s->slots = calloc(s->nslots, sizeof *s->slots);
	if (s->slots == NULL) {
		free(s);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	/* Without the kernel's randomness the set still works, only with a
	 * guessable start; FNV's own basis keeps it a good hash. */
	s->seed = 14695981039346656037ULL;
	if (getrandom(&s->seed, sizeof s->seed, GRND_NONBLOCK) !=
	    (ssize_t)sizeof s->seed)
		s->seed = 14695981039346656037ULL;
	s->max = max;
	*out = s;
	return OD_OK;
}

/* The slot holding name, or the empty slot where it would go. */
static struct slot *probe(const struct name_set *s, const char *name)
{
	size_t mask = s->nslots - 1, i = name_hash(s->seed, name) & mask;

	while (s->slots[i].name != 0 &&
	       strcmp(s->arena + s->slots[i].name - 1, name) != 0)
		i = (i + 1) & mask;
	return &s->slots[i];
}

/* Doubles the table, placing every name again. */
static enum od_code grow_slots(struct name_set *s, struct od_err *err)
{
	struct name_set bigger = *s;
	size_t i;

	bigger.nslots = s->nslots * 2;
	bigger.slots = calloc(bigger.nslots, sizeof *bigger.slots);
	if (bigger.slots == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; i < s->nslots; i++)
		if (s->slots[i].name != 0)
			*probe(&bigger, s->arena + s->slots[i].name - 1) =
				s->slots[i];
	free(s->slots);
	s->slots = bigger.slots;
	s->nslots = bigger.nslots;
	return OD_OK;
}

/* Copies name into the arena; *off is where it starts. */
static enum od_code arena_add(struct name_set *s, const char *name,
			      size_t *off, struct od_err *err)
{
	size_t n = strlen(name) + 1, size;
	char *p;

	if (s->alloc - s->used < n) {
		size = s->alloc != 0 ? s->alloc : 4096;
		while (size - s->used < n)
			size *= 2;
		p = realloc(s->arena, size);
		if (p == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		s->arena = p;
		s->alloc = size;
	}
	memcpy(s->arena + s->used, name, n);
	*off = s->used;
	s->used += n;
	return OD_OK;
}

enum od_code name_set_add(struct name_set *s, const char *name, size_t where,
			  size_t *earlier, struct od_err *err)
{
	struct slot *sl;
	enum od_code rc;
	size_t off = 0;

	*earlier = 0;
	sl = probe(s, name);
	if (sl->name != 0) {
		*earlier = sl->where;
		return OD_OK;
	}
	if (s->count == s->max)
		return od_err_set(err, OD_E_INPUT, "more than %zu names",
				  s->max);
	rc = arena_add(s, name, &off, err);
	if (rc != OD_OK)
		return rc;
	sl->name = off + 1;
	sl->where = where;
	s->count++;
	if (s->count * 2 > s->nslots)
		return grow_slots(s, err);
	return OD_OK;
}

size_t name_set_find(const struct name_set *s, const char *name)
{
	const struct slot *sl = probe(s, name);

	return sl->name != 0 ? sl->where : 0;
}

void name_set_free(struct name_set *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s->arena);
	free(s);
}
