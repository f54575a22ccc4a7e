/*
 * layoutcache.h: what the typesetter keeps from one build to the next
 * (quire watch), so that a rebuild after a small edit sets again only the
 * paragraphs that changed.
 *
 * Kept, one set per fonts-and-options (the whole qr_print_options but its
 * hooks, and the book's language): the loaded fonts with their cache of
 * shaped words; each paragraph's items and fragments, keyed by everything
 * qr_para_build reads (its text, the Pango attributes of its inline
 * markup, its decorations, its style and language); and each paragraph's
 * broken lines, keyed by its block's measure and settings and the
 * looseness asked for. Keys are compared whole, never by hash alone, so a
 * hit gives what a fresh build computes, byte for byte.
 *
 * Memory: an entry not used by a build is dropped when it ends
 * (qr_layout_cache_end_build); so are fonts whose shape cache has grown
 * well beyond what their first build needed (shapes live in an arena and
 * cannot be dropped one by one: the next build loads the fonts again).
 *
 * The cache is for one thread. The layouts made with it borrow its fonts
 * (and its copies of link targets): free them before ending the build.
 */
#ifndef QR_LAYOUTCACHE_H
#define QR_LAYOUTCACHE_H

#include "typeset.h"

typedef struct qr_layout_cache qr_layout_cache;

/* Owned: free with qr_layout_cache_free. This function can't fail. */
qr_layout_cache *qr_layout_cache_new(void);
void qr_layout_cache_free(qr_layout_cache *c);

/* Ends a build (all its layouts freed): drops what it did not use, unless
 * it failed (then the next build, the error fixed, finds what the last
 * good one set), and keeps its counts for qr_layout_cache_counts. */
void qr_layout_cache_end_build(qr_layout_cache *c, int failed);

/* The last ended build's paragraphs: how many were set (qr_para_build
 * calls that could use the cache) and how many of them came from it. */
void qr_layout_cache_counts(const qr_layout_cache *c, size_t *reused, size_t *total);
/* Paragraphs kept for the next build (after qr_layout_cache_end_build). */
size_t qr_layout_cache_kept(const qr_layout_cache *c);

/* Internal to src/typeset ------------------------------------------------- */

struct qr_fonts;
struct qr_para;
struct qr_para_style;
struct pb;
struct pblock;

/* Borrowed (kept by c until a build leaves them unused): the fonts for
 * opt and lang, loaded when no earlier build has them; NULL with err. */
struct qr_fonts *qr_lc_fonts(qr_layout_cache *c, const qr_print_options *opt, const char *lang,
                             qr_error *err);
/* Appends a string (or NULL) to a key, so that no two differ alike. */
void qr_lc_key_str(qr_buf *key, const char *s);
/* A paragraph set with f whose inputs make `key`: 1 and p filled (its
 * style st, no sources) when an earlier build set it, else 0. */
int qr_lc_para_get(qr_layout_cache *c, struct qr_fonts *f, const qr_buf *key,
                   const struct qr_para_style *st, struct qr_para *p);
/* Keeps a copy of p, just built with f from `key`, and marks p as it. */
void qr_lc_para_put(qr_layout_cache *c, struct qr_fonts *f, const qr_buf *key, struct qr_para *p);
/* The lines of a block whose paragraph came from (or went to) the cache,
 * broken with this looseness: 1 and bl->lines set (owned by bl) when kept,
 * else 0. */
int qr_lc_lines_get(const struct pb *b, struct pblock *bl, int looseness);
/* Keeps a copy of the lines qr_pb_break just made for bl. */
void qr_lc_lines_put(const struct pb *b, const struct pblock *bl, int looseness);

#endif
