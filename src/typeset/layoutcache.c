/*
 * layoutcache.c: fonts, paragraphs and broken lines kept across the
 * builds of quire watch (layoutcache.h says what and why).
 *
 *   qr_lc_fonts         one set a fonts-and-options key: the qr_fonts, its
 *                       paragraphs (open addressing, rebuilt when a build
 *                       ends), each paragraph's lines (a short list)
 *   qr_lc_para_get/put  items and fragments copied out and in; a
 *                       fragment's link target is the entry's own copy
 *   qr_lc_lines_get/put the block's settings (pblock bytes with its
 *                       pointers and per-build fields cleared) and looseness
 *   qr_layout_cache_end_build  drops what the build did not use
 */
#include <stdlib.h>
#include <string.h>

#include "layoutcache.h"
#include "pagebuild.h"

/* One paragraph's broken lines for one block setting. */
typedef struct lc_lines {
    unsigned char *key;
    size_t key_len;
    qr_line *lines;
    size_t n;
    unsigned gen;
} lc_lines;

struct qr_lc_para {
    uint64_t hash;
    unsigned char *key;
    size_t key_len;
    unsigned char *items, *frags; /* packed (S_pack) */
    size_t n, n_frags;
    char **uris; /* the fragments' link targets, one copy each target */
    size_t n_uris;
    lc_lines *res;
    size_t n_res, cap_res;
    unsigned gen; /* the last build that used it */
};

typedef struct lc_fonts {
    unsigned char *key;
    size_t key_len;
    qr_fonts *f;
    unsigned gen;
    size_t shapes_first;       /* shapes when its first build ended (0: not yet) */
    struct qr_lc_para **slots; /* power-of-two size */
    size_t n_slots, n_used;
} lc_fonts;

struct qr_layout_cache {
    lc_fonts **fonts; /* a build lays out once, or up to three times (--print pod) */
    int n_fonts, cap_fonts;
    unsigned gen;
    size_t reused, total;           /* the build going on */
    size_t last_reused, last_total; /* the last one ended */
};

static uint64_t S_hash(const unsigned char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static unsigned char *S_dup(const void *p, size_t n)
{
    unsigned char *d = xmalloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

/*
 * Owned: len bytes with their zero words (8 bytes) left out, a bit a word
 * saying whether it follows; a tail shorter than a word as it is. Kept
 * items and fragments are mostly zeros (a box has no stretch, glue no
 * fragment, most fragments no link, rise or note): War and Peace's cache
 * takes about half the memory so.
 */
static unsigned char *S_pack(const void *src, size_t len)
{
    const unsigned char *s = src;
    size_t words = len / 8, map = (words + 7) / 8;
    unsigned char *out = xcalloc(1, map + len + 1), *w = out + map;
    for (size_t i = 0; i < words; i++) {
        uint64_t v;
        memcpy(&v, s + 8 * i, 8);
        if (v) {
            out[i / 8] |= (unsigned char)(1u << (i % 8));
            memcpy(w, &v, 8);
            w += 8;
        }
    }
    memcpy(w, s + 8 * words, len - 8 * words);
    w += len - 8 * words;
    return xrealloc(out, (size_t)(w - out) + 1);
}

/* Owned: the len bytes S_pack packed. */
static void *S_unpack(const unsigned char *in, size_t len)
{
    unsigned char *d = xmalloc(len ? len : 1);
    size_t words = len / 8, map = (words + 7) / 8;
    const unsigned char *r = in + map;
    for (size_t i = 0; i < words; i++) {
        if (in[i / 8] >> (i % 8) & 1) {
            memcpy(d + 8 * i, r, 8);
            r += 8;
        } else {
            memset(d + 8 * i, 0, 8);
        }
    }
    memcpy(d + 8 * words, r, len - 8 * words);
    return d;
}

qr_layout_cache *qr_layout_cache_new(void)
{
    qr_layout_cache *c = xcalloc(1, sizeof *c);
    c->gen = 1;
    return c;
}

static void S_para_free(struct qr_lc_para *e)
{
    free(e->key);
    free(e->items);
    free(e->frags);
    for (size_t i = 0; i < e->n_uris; i++)
        free(e->uris[i]);
    free(e->uris);
    for (size_t i = 0; i < e->n_res; i++) {
        free(e->res[i].key);
        free(e->res[i].lines);
    }
    free(e->res);
    free(e);
}

static void S_fonts_free(lc_fonts *lf)
{
    for (size_t i = 0; i < lf->n_slots; i++)
        if (lf->slots[i])
            S_para_free(lf->slots[i]);
    free(lf->slots);
    qr_fonts_free(lf->f);
    free(lf->key);
    free(lf);
}

void qr_layout_cache_free(qr_layout_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n_fonts; i++)
        S_fonts_free(c->fonts[i]);
    free(c->fonts);
    free(c);
}

void qr_layout_cache_counts(const qr_layout_cache *c, size_t *reused, size_t *total)
{
    *reused = c->last_reused;
    *total = c->last_total;
}

size_t qr_layout_cache_kept(const qr_layout_cache *c)
{
    size_t n = 0;
    for (int i = 0; i < c->n_fonts; i++)
        n += c->fonts[i]->n_used;
    return n;
}

void qr_lc_key_str(qr_buf *key, const char *s)
{
    size_t n = s ? strlen(s) + 1 : 0; /* NULL and "" differ */
    qr_buf_add(key, &n, sizeof n);
    if (s)
        qr_buf_add(key, s, n - 1);
}

/* Fonts ------------------------------------------------------------------ */

qr_fonts *qr_lc_fonts(qr_layout_cache *c, const qr_print_options *opt, const char *lang,
                      qr_error *err)
{
    /* the options' bytes, their hooks and strings cleared (the strings
     * then added): a field added to qr_print_options is in the key */
    qr_print_options o;
    memcpy(&o, opt, sizeof o);
    o.font_family = NULL;
    o.fonts_dir = NULL;
    o.progress = NULL;
    o.progress_ctx = NULL;
    o.cache = NULL;
    qr_buf key = QR_BUF_INIT;
    qr_buf_add(&key, &o, sizeof o);
    qr_lc_key_str(&key, opt->font_family);
    qr_lc_key_str(&key, opt->fonts_dir);
    qr_lc_key_str(&key, lang);
    qr_fonts *f = NULL;
    for (int i = 0; i < c->n_fonts && !f; i++) {
        lc_fonts *lf = c->fonts[i];
        if (lf->key_len == key.len && memcmp(lf->key, key.ptr, key.len) == 0) {
            f = lf->f;
            if (lf->gen != c->gen)
                qr_fonts_new_build(f); /* its warnings again, as a new one's */
            lf->gen = c->gen;
        }
    }
    if (!f && (f = qr_fonts_new(opt, lang, err)) != NULL) {
        if (c->n_fonts == c->cap_fonts) {
            c->cap_fonts = c->cap_fonts ? 2 * c->cap_fonts : 4;
            c->fonts = xrealloc(c->fonts, (size_t)c->cap_fonts * sizeof *c->fonts);
        }
        lc_fonts *lf = xcalloc(1, sizeof *lf);
        lf->key = S_dup(key.ptr, key.len);
        lf->key_len = key.len;
        lf->f = f;
        lf->gen = c->gen;
        lf->n_slots = 1024;
        lf->slots = xcalloc(lf->n_slots, sizeof *lf->slots);
        c->fonts[c->n_fonts++] = lf;
    }
    qr_buf_release(&key);
    return f;
}

static lc_fonts *S_fonts_of(qr_layout_cache *c, const qr_fonts *f)
{
    for (int i = 0; i < c->n_fonts; i++)
        if (c->fonts[i]->f == f)
            return c->fonts[i];
    return NULL; /* fonts of their own (a cover's) */
}

/* Paragraphs --------------------------------------------------------------- */

static void S_insert(lc_fonts *lf, struct qr_lc_para *e)
{
    size_t k = e->hash & (lf->n_slots - 1);
    while (lf->slots[k])
        k = (k + 1) & (lf->n_slots - 1);
    lf->slots[k] = e;
    lf->n_used++;
}

static void S_rehash(lc_fonts *lf, size_t n_slots)
{
    struct qr_lc_para **old = lf->slots;
    size_t old_n = lf->n_slots;
    lf->slots = xcalloc(n_slots, sizeof *lf->slots);
    lf->n_slots = n_slots;
    lf->n_used = 0;
    for (size_t i = 0; i < old_n; i++)
        if (old[i])
            S_insert(lf, old[i]);
    free(old);
}

int qr_lc_para_get(qr_layout_cache *c, qr_fonts *f, const qr_buf *key, const qr_para_style *st,
                   qr_para *p)
{
    lc_fonts *lf = S_fonts_of(c, f);
    if (!lf)
        return 0;
    c->total++;
    uint64_t h = S_hash((const unsigned char *)key->ptr, key->len);
    struct qr_lc_para *e = NULL;
    for (size_t k = h & (lf->n_slots - 1); lf->slots[k]; k = (k + 1) & (lf->n_slots - 1)) {
        struct qr_lc_para *s = lf->slots[k];
        if (s->hash == h && s->key_len == key->len && memcmp(s->key, key->ptr, key->len) == 0) {
            e = s;
            break;
        }
    }
    if (!e)
        return 0;
    c->reused++;
    e->gen = c->gen;
    memset(p, 0, sizeof *p);
    p->style = *st;
    p->items = S_unpack(e->items, e->n * sizeof *p->items);
    p->n = p->cap = e->n;
    p->frags = S_unpack(e->frags, e->n_frags * sizeof *p->frags);
    p->n_frags = p->cap_frags = e->n_frags;
    p->cached = e;
    return 1;
}

void qr_lc_para_put(qr_layout_cache *c, qr_fonts *f, const qr_buf *key, qr_para *p)
{
    lc_fonts *lf = S_fonts_of(c, f);
    if (!lf)
        return;
    struct qr_lc_para *e = xcalloc(1, sizeof *e);
    e->hash = S_hash((const unsigned char *)key->ptr, key->len);
    e->key = S_dup(key->ptr, key->len);
    e->key_len = key->len;
    e->items = S_pack(p->items, p->n * sizeof *p->items);
    e->n = p->n;
    qr_frag *frags = (qr_frag *)S_dup(p->frags, p->n_frags * sizeof *p->frags);
    e->n_frags = p->n_frags;
    /* link targets: the document's go with it; one copy each (the PDF's
     * links are told apart by their target's address) */
    const char **from = NULL;
    for (size_t i = 0; i < e->n_frags; i++) {
        const char *u = frags[i].uri;
        if (!u)
            continue;
        size_t k = 0;
        while (k < e->n_uris && from[k] != u)
            k++;
        if (k == e->n_uris) {
            from = xrealloc(from, (k + 1) * sizeof *from);
            e->uris = xrealloc(e->uris, (k + 1) * sizeof *e->uris);
            from[k] = u;
            e->uris[k] = xstrdup(u);
            e->n_uris++;
        }
        frags[i].uri = e->uris[k];
    }
    free(from);
    e->frags = S_pack(frags, e->n_frags * sizeof *frags);
    free(frags);
    e->gen = c->gen;
    S_insert(lf, e);
    if (lf->n_used * 2 > lf->n_slots)
        S_rehash(lf, lf->n_slots * 2);
    p->cached = e;
}

/* Lines ------------------------------------------------------------------- */

/* What else than its paragraph the breaking of a block reads: the block's
 * bytes with its pointers and per-build fields cleared (so a field added
 * to pblock is in the key), and the looseness. Whatever else qr_pb_break
 * comes to read (but b->opt, in the fonts' key) must be added here. */
static void S_lines_key(const pblock *bl, int looseness, qr_buf *key)
{
    pblock k;
    memcpy(&k, bl, sizeof k);
    memset(&k.para, 0, sizeof k.para);
    k.lines = NULL;
    k.n_lines = 0;
    k.looseness = 0;
    k.node = NULL;
    k.image = NULL;
    k.cells = NULL;
    k.n_cells = 0;
    k.header_block = 0;
    qr_buf_add(key, &k, sizeof k);
    qr_buf_add(key, &looseness, sizeof looseness);
    qr_buf_addc(key, bl->node != NULL); /* a word too long is cut only in a node's text */
}

int qr_lc_lines_get(const pb *b, pblock *bl, int looseness)
{
    struct qr_lc_para *e = bl->para.cached;
    if (!e || !b->opt->cache)
        return 0;
    qr_buf key = QR_BUF_INIT;
    S_lines_key(bl, looseness, &key);
    int hit = 0;
    for (size_t i = 0; i < e->n_res && !hit; i++) {
        lc_lines *r = &e->res[i];
        if (r->key_len != key.len || memcmp(r->key, key.ptr, key.len) != 0)
            continue;
        r->gen = b->opt->cache->gen;
        free(bl->lines);
        bl->lines = (qr_line *)S_dup(r->lines, r->n * sizeof *r->lines);
        bl->n_lines = r->n;
        bl->looseness = looseness;
        hit = 1;
    }
    qr_buf_release(&key);
    return hit;
}

void qr_lc_lines_put(const pb *b, const pblock *bl, int looseness)
{
    struct qr_lc_para *e = bl->para.cached;
    if (!e || !b->opt->cache)
        return;
    if (e->n_res == e->cap_res) {
        e->cap_res = e->cap_res ? e->cap_res * 2 : 2;
        e->res = xrealloc(e->res, e->cap_res * sizeof *e->res);
    }
    qr_buf key = QR_BUF_INIT;
    S_lines_key(bl, looseness, &key);
    lc_lines *r = &e->res[e->n_res++];
    r->key_len = key.len;
    r->key = (unsigned char *)qr_buf_detach(&key, NULL);
    r->lines = (qr_line *)S_dup(bl->lines, bl->n_lines * sizeof *bl->lines);
    r->n = bl->n_lines;
    r->gen = b->opt->cache->gen;
}

/* The end of a build ---------------------------------------------------------- */

/* Marks a font set and all it holds as used by the build going on. */
static void S_touch(qr_layout_cache *c, lc_fonts *lf)
{
    lf->gen = c->gen;
    for (size_t k = 0; k < lf->n_slots; k++) {
        struct qr_lc_para *e = lf->slots[k];
        if (!e)
            continue;
        e->gen = c->gen;
        for (size_t r = 0; r < e->n_res; r++)
            e->res[r].gen = c->gen;
    }
}

void qr_layout_cache_end_build(qr_layout_cache *c, int failed)
{
    for (int i = 0; i < c->n_fonts && failed; i++) /* all kept: as used */
        S_touch(c, c->fonts[i]);
    for (int i = 0; i < c->n_fonts;) {
        lc_fonts *lf = c->fonts[i];
        size_t shapes = qr_fonts_n_shapes(lf->f);
        /* unused, or grown by half again since its first build (words
         * typed and gone): loaded afresh when next needed */
        if (lf->gen != c->gen ||
            (lf->shapes_first && shapes > lf->shapes_first + lf->shapes_first / 2 + 256)) {
            S_fonts_free(lf);
            c->fonts[i] = c->fonts[--c->n_fonts];
            continue;
        }
        if (!lf->shapes_first)
            lf->shapes_first = shapes ? shapes : 1;
        size_t live = 0;
        for (size_t k = 0; k < lf->n_slots; k++) {
            struct qr_lc_para *e = lf->slots[k];
            if (!e)
                continue;
            if (e->gen != c->gen) {
                S_para_free(e);
                lf->slots[k] = NULL;
                continue;
            }
            size_t keep = 0;
            for (size_t r = 0; r < e->n_res; r++) {
                if (e->res[r].gen == c->gen) {
                    e->res[keep++] = e->res[r];
                } else {
                    free(e->res[r].key);
                    free(e->res[r].lines);
                }
            }
            e->n_res = keep;
            live++;
        }
        size_t n_slots = 1024;
        while (live * 2 > n_slots)
            n_slots *= 2;
        S_rehash(lf, n_slots);
        i++;
    }
    c->last_reused = c->reused;
    c->last_total = c->total;
    c->reused = c->total = 0;
    c->gen++;
}
