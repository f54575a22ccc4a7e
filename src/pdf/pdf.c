/* pdf.c: the PDF edition through cairo's PDF surface. Text is drawn as
 * Pango glyph items, never with cairo's toy text API: each run carries its
 * text and clusters, so copying from the PDF gives the words back,
 * ligatures included. */
#include <cairo-pdf.h>
#include <math.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/ptrmap.h"
#include "pdf.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif

static cairo_status_t S_write(void *closure, const unsigned char *data, unsigned int length)
{
    qr_buf_add(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Draws glyphs [g0, g1) of a shape at the current point, with their text. */
static void S_show_run(cairo_t *cr, const qr_run *r, int *clusters, size_t cap)
{
    const qr_shape *s = r->shape;
    int n = r->g1 - r->g0;
    if (n <= 0 || (size_t)n > cap)
        return;
    PangoGlyphString gs = *s->glyphs;
    gs.glyphs = s->glyphs->glyphs + r->g0;
    gs.num_glyphs = n;
    for (int i = 0; i < n; i++)
        clusters[i] = s->glyphs->log_clusters[r->g0 + i] - r->b0;
    gs.log_clusters = clusters;
    PangoItem item;
    memset(&item, 0, sizeof item);
    item.offset = 0;
    item.length = r->b1 - r->b0;
    item.num_chars = (int)g_utf8_strlen(s->text + r->b0, item.length);
    item.analysis.font = s->font;
    PangoGlyphItem gi = {&item, &gs, 0, 0, 0};
    cairo_move_to(cr, r->x, r->y);
    pango_cairo_show_glyph_item(cr, s->text + r->b0, &gi);
}

/*
 * A line's runs of one font, drawn by one cairo_show_text_glyphs: glyphs
 * at their own positions, the words' text with a space between them, and
 * clusters tying the two (so text extraction and copying give the words
 * back, ligatures included). One call a line, not a word: cairo's PDF
 * surface tracks every drawing operation in a region, which grows costly.
 */
typedef struct batch {
    cairo_glyph_t *glyphs;
    size_t n_glyphs, cap_glyphs;
    cairo_text_cluster_t *clusters;
    size_t n_clusters, cap_clusters;
    qr_buf text;
    double x_end; /* where the last run's glyphs end */
} batch;

static void S_batch_glyph(batch *bt, unsigned long index, double x, double y)
{
    if (bt->n_glyphs == bt->cap_glyphs) {
        bt->cap_glyphs = bt->cap_glyphs ? bt->cap_glyphs * 2 : 256;
        bt->glyphs = xrealloc(bt->glyphs, bt->cap_glyphs * sizeof *bt->glyphs);
    }
    bt->glyphs[bt->n_glyphs].index = index;
    bt->glyphs[bt->n_glyphs].x = x;
    bt->glyphs[bt->n_glyphs].y = y;
    bt->n_glyphs++;
}

static void S_batch_cluster(batch *bt, int bytes, int glyphs)
{
    if (bt->n_clusters == bt->cap_clusters) {
        bt->cap_clusters = bt->cap_clusters ? bt->cap_clusters * 2 : 256;
        bt->clusters = xrealloc(bt->clusters, bt->cap_clusters * sizeof *bt->clusters);
    }
    bt->clusters[bt->n_clusters].num_bytes = bytes;
    bt->clusters[bt->n_clusters].num_glyphs = glyphs;
    bt->n_clusters++;
}

/* Adds one left-to-right run: its glyphs from x, its text and clusters. */
static void S_batch_run(batch *bt, const qr_run *r)
{
    const qr_shape *s = r->shape;
    const PangoGlyphInfo *gi = s->glyphs->glyphs;
    const int *lc = s->glyphs->log_clusters;
    double x = r->x;
    qr_buf_add(&bt->text, s->text + r->b0, (size_t)(r->b1 - r->b0));
    for (int g = r->g0; g < r->g1;) {
        /* a cluster: the glyphs that share a text position */
        int end = g + 1;
        while (end < r->g1 && lc[end] == lc[g])
            end++;
        int next_byte = end < r->g1 ? lc[end] : r->b1;
        int drawn = 0;
        for (int k = g; k < end; k++) {
            PangoGlyph glyph = gi[k].glyph;
            double gx = x + (double)gi[k].geometry.x_offset / PANGO_SCALE;
            double gy = r->y + (double)gi[k].geometry.y_offset / PANGO_SCALE;
            if (glyph != PANGO_GLYPH_EMPTY) {
                /* a character no font has: the font's .notdef box */
                S_batch_glyph(bt, glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : glyph, gx, gy);
                drawn++;
            }
            x += (double)gi[k].geometry.width / PANGO_SCALE;
        }
        S_batch_cluster(bt, next_byte - lc[g], drawn);
        g = end;
    }
    bt->x_end = x;
}

/* The space between two runs of a line: the font's space glyph where the
 * last run ends, so that text extraction and copying see a space (a
 * cluster of no glyph would need an ActualText span, which poppler's
 * reading of marked content stops at). */
static void S_batch_space(batch *bt, PangoFont *font, double y)
{
    hb_font_t *hb = pango_font_get_hb_font(font);
    hb_codepoint_t g;
    qr_buf_addc(&bt->text, ' ');
    if (hb && hb_font_get_nominal_glyph(hb, ' ', &g)) {
        S_batch_glyph(bt, g, bt->x_end, y);
        S_batch_cluster(bt, 1, 1);
    } else {
        S_batch_cluster(bt, 1, 0);
    }
}

static void S_batch_flush(cairo_t *cr, batch *bt, PangoFont *font)
{
    if (bt->n_glyphs > 0 || bt->text.len > 0) {
        cairo_set_scaled_font(cr, pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)));
        cairo_show_text_glyphs(cr, bt->text.ptr, (int)bt->text.len, bt->glyphs, (int)bt->n_glyphs,
                               bt->clusters, (int)bt->n_clusters, 0);
    }
    bt->n_glyphs = 0;
    bt->n_clusters = 0;
    qr_buf_reset(&bt->text);
}

/* A link's attributes for cairo_tag_begin: uri='...' with ' and \
 * escaped (cairo's attribute syntax). */
static void S_uri_attr(qr_buf *out, const char *uri)
{
    qr_buf_reset(out);
    qr_buf_adds(out, "uri='");
    for (const char *c = uri; *c; c++) {
        if (*c == '\'' || *c == '\\')
            qr_buf_addc(out, '\\');
        qr_buf_addc(out, *c);
    }
    qr_buf_addc(out, '\'');
}

/* The cover's PNG bytes, read by cairo. */
typedef struct S_bytes {
    const unsigned char *p;
    size_t left;
} S_bytes;

static cairo_status_t S_read_bytes(void *closure, unsigned char *data, unsigned int length)
{
    S_bytes *b = closure;
    if (length > b->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, b->p, length);
    b->p += length;
    b->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

/*
 * Owned: the cover as a cairo surface (destroy it), or NULL with err set.
 * A PNG is decoded by cairo; a JPEG is passed through as it is: its bytes
 * are attached (CAIRO_MIME_TYPE_JPEG) to a blank image surface of its size,
 * and cairo's PDF surface embeds them (DCTDecode) instead of the pixels.
 * The bytes are the document's and outlive the surface.
 */
static cairo_surface_t *S_image_surface(const char *data, size_t len, const char *type, int w,
                                        int h, const char *what, qr_error *err)
{
    cairo_surface_t *img;
    if (strcmp(type, "image/png") == 0) {
        S_bytes b = {(const unsigned char *)data, len};
        img = cairo_image_surface_create_from_png_stream(S_read_bytes, &b);
    } else {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS)
            cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, (const unsigned char *)data,
                                        len, NULL, NULL);
    }
    cairo_status_t st = cairo_surface_status(img);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "the %s (%s) cannot be read: %s", what, type,
                     cairo_status_to_string(st));
        return NULL;
    }
    return img;
}

static cairo_surface_t *S_cover_surface(const qr_meta *m, qr_error *err)
{
    return S_image_surface(m->cover_data, m->cover_len, m->cover_type, m->cover_width,
                           m->cover_height, "cover image", err);
}

/* The structure tree --------------------------------------------------------
 *
 * Tagged PDF (ISO 32000-1 §14.8) through cairo's tag API: every page's text
 * and figures are drawn inside structure tags, in the order of the
 * document, not of the page: a table's cells one after another (not line
 * by line across the row), a footnote right after the number that calls
 * it (inside its paragraph, as a Note after a Reference), a figure after
 * its paragraph. The tree:
 *
 *   Document > P (title and copyright pages), H1 + TOC > TOCI > Link
 *            > Sect (a chapter) > H1..H6, P, Code, BlockQuote, Figure,
 *              Caption, L > LI > (Lbl, LBody > ...), Table > TR > TH/TD,
 *              and inside a paragraph Span, Link, Code, Reference, Note
 *
 * cairo 1.16 marks content only inside elements without children (content
 * drawn in an element that has children is left unmarked), and leaves
 * content drawn outside every element unmarked, which is how running
 * heads, folios, rules, ornaments and repeated table headers stay out of
 * the tree (artifacts: it writes no /Artifact). So a block whose text
 * comes with inline elements (a link, a code span, a note) or runs over a
 * page break puts its text in Span children, one a page; the elements
 * that hold content are closed at each page's end, before the artifacts
 * are drawn.
 */

/* An element to be open while something is drawn: its structure type (or
 * CAIRO_TAG_LINK), what makes it the same element from one drawing to the
 * next (a node and a number), whether it holds the content itself, and
 * for a link its first run (its attributes). */
typedef struct S_elem {
    const char *type;
    const void *id;
    size_t aux;
    int leaf;
    const qr_run *run;
} S_elem;

/* Deeper nesting (a list 10,000 deep) keeps its outermost levels. */
#define S_MAX_DEPTH 40

typedef struct S_path {
    S_elem e[S_MAX_DEPTH];
    int n;
} S_path;

/* qr_ptrmap values of `blocks`: a block's first page (+ 1) << 2 and: */
#define S_SPLIT 1u /* its text runs over a page break */
#define S_MIXED 2u /* it has elements inside (a link, a code span, a note) */

/* A page's drawing, in document order: k1 a node's place in the document,
 * k2 a byte in it, seq its place on the page. */
typedef struct S_item {
    size_t k1, k2, seq;
    const qr_run *run;
    const qr_graphic *gfx;
} S_item;

#define S_BIG ((size_t)1 << 40)

static const char S_DOC[] = "Document", S_FRONT[] = "front", S_TOC[] = "toc", S_LOOSE[] = "loose";

typedef struct S_tagger {
    cairo_t *cr;
    const qr_doc *doc;
    qr_ptrmap order;  /* node -> place in document order (pre-order, from 1) */
    qr_ptrmap blocks; /* block node -> first page and S_SPLIT, S_MIXED */
    S_elem stack[S_MAX_DEPTH];
    int depth;
    qr_buf attr;
    qr_buf alts;  /* the figures' alt texts, in the order of their tags, NUL after each */
    size_t n_alts;
    const qr_node **up; /* scratch: a node's ancestors */
    size_t cap_up;
    /* the base path of the last block asked for */
    const qr_node *cached;
    int cached_role;
    S_path path;
    S_item *items;
    size_t cap_items;
} S_tagger;

static size_t S_ord(const S_tagger *t, const qr_node *n)
{
    size_t v = 0;
    if (n)
        qr_ptrmap_get(&t->order, n, &v);
    return v;
}

/* The place of the last node inside n (n's own when it has no children). */
static size_t S_ord_end(const S_tagger *t, const qr_node *n)
{
    const qr_node *last = n;
    while (qr_node_last_child(last))
        last = qr_node_last_child(last);
    return S_ord(t, last);
}

static void S_push(S_path *p, const char *type, const void *id, size_t aux, int leaf)
{
    if (p->n >= S_MAX_DEPTH)
        return;
    S_elem *e = &p->e[p->n++];
    e->type = type;
    e->id = id;
    e->aux = aux;
    e->leaf = leaf;
    e->run = NULL;
}

static int S_same(const S_elem *a, const S_elem *b)
{
    return a->id == b->id && a->aux == b->aux &&
           (a->type == b->type || strcmp(a->type, b->type) == 0);
}

static void S_copy_path(S_path *to, const S_path *from)
{
    to->n = from->n;
    memcpy(to->e, from->e, (size_t)from->n * sizeof *from->e);
}

static int S_is_open(const S_tagger *t, const S_path *p)
{
    if (t->depth != p->n)
        return 0;
    for (int i = p->n; i-- > 0;)
        if (!S_same(&t->stack[i], &p->e[i]))
            return 0;
    return 1;
}

static const char *S_heading_type(int level)
{
    static const char *const h[] = {"H1", "H2", "H3", "H4", "H5", "H6"};
    return h[level < 1 ? 0 : level > 6 ? 5 : level - 1];
}

static const qr_node *S_ancestor(const qr_node *n, qr_node_type type)
{
    for (; n; n = qr_node_parent(n))
        if (qr_node_get_type(n) == type)
            return n;
    return NULL;
}

static unsigned S_flags(const S_tagger *t, const qr_node *block)
{
    size_t v = 0;
    qr_ptrmap_get(&t->blocks, block, &v);
    return (unsigned)(v & 3);
}

/* The element a block's own text goes in (a heading, paragraph...). */
static void S_push_block(S_tagger *t, S_path *p, const qr_node *n, int leaf)
{
    switch (qr_node_get_type(n)) {
    case QR_NODE_HEADING: {
        const qr_node *ch = qr_node_parent(n);
        int chapter = ch && qr_node_get_type(ch) == QR_NODE_CHAPTER && qr_chapter_heading(ch) == n;
        S_push(p, S_heading_type(chapter ? 1 : qr_node_level(n)), n, 0, leaf);
        break;
    }
    case QR_NODE_CODE_BLOCK: S_push(p, "Code", n, 0, leaf); break;
    case QR_NODE_TABLE_CELL: {
        const qr_node *row = qr_node_parent(n);
        S_push(p, row && qr_node_row_header(row) ? "TH" : "TD", n, 0, leaf);
        break;
    }
    default: S_push(p, "P", n, 0, leaf); break;
    }
    (void)t;
}

/* Appends the elements of n's ancestors (n excluded), outermost first. */
static void S_push_ancestors(S_tagger *t, S_path *p, const qr_node *n)
{
    size_t k = 0;
    for (const qr_node *a = qr_node_parent(n); a && qr_node_get_type(a) != QR_NODE_DOCUMENT;
         a = qr_node_parent(a)) {
        if (k == t->cap_up) {
            t->cap_up = t->cap_up ? t->cap_up * 2 : 64;
            t->up = xrealloc(t->up, t->cap_up * sizeof *t->up);
        }
        t->up[k++] = a;
    }
    while (k-- > 0 && p->n < S_MAX_DEPTH - 4) {
        const qr_node *a = t->up[k];
        switch (qr_node_get_type(a)) {
        case QR_NODE_CHAPTER: S_push(p, "Sect", a, 0, 0); break;
        case QR_NODE_BLOCK_QUOTE: S_push(p, "BlockQuote", a, 0, 0); break;
        case QR_NODE_LIST: S_push(p, "L", a, 0, 0); break;
        case QR_NODE_LIST_ITEM:
            S_push(p, "LI", a, 0, 0);
            S_push(p, "LBody", a, 1, 0);
            break;
        case QR_NODE_TABLE: S_push(p, "Table", a, 0, 0); break;
        case QR_NODE_TABLE_ROW: S_push(p, "TR", a, 0, 0); break;
        case QR_NODE_NOTE: S_push(p, "Note", a, 0, 0); break;
        case QR_NODE_PARAGRAPH:
        case QR_NODE_HEADING:
        case QR_NODE_TABLE_CELL: S_push_block(t, p, a, 0); break; /* a note's caller */
        default: break;
        }
    }
}

/* The elements around a run of `block` with `role`, or around a figure's
 * image (block: the IMAGE, role -1): cached, as runs come in blocks. */
static const S_path *S_base_path(S_tagger *t, const qr_node *block, int role)
{
    if (t->cached == block && t->cached_role == role)
        return &t->path;
    S_path *p = &t->path;
    p->n = 0;
    t->cached = block;
    t->cached_role = role;
    S_push(p, S_DOC, S_DOC, 0, 0);
    if (role == QR_ROLE_LABEL) {
        const qr_node *li = S_ancestor(block, QR_NODE_LIST_ITEM);
        if (li) {
            S_push_ancestors(t, p, li);
            S_push(p, "LI", li, 0, 0);
            S_push(p, "Lbl", li, 2, 1);
            return p;
        }
    }
    if (qr_node_get_type(block) == QR_NODE_IMAGE) {
        /* a figure: after the paragraph it stands in */
        const qr_node *para = S_ancestor(block, QR_NODE_PARAGRAPH);
        S_push_ancestors(t, p, para ? para : block);
        if (role == QR_ROLE_CAPTION)
            S_push(p, "Caption", block, 1, 1);
        else
            S_push(p, "Figure", block, 0, 1);
        return p;
    }
    S_push_ancestors(t, p, block);
    S_push_block(t, p, block, S_flags(t, block) == 0);
    return p;
}

/* The whole path of an item: base, and the inline element of a run. */
static void S_item_path(S_tagger *t, const S_item *it, size_t page, S_path *out)
{
    const qr_run *r = it->run;
    if (it->gfx) {
        S_copy_path(out, S_base_path(t, it->gfx->node, -1));
        return;
    }
    out->n = 0;
    if (!r->block) {
        S_push(out, S_DOC, S_DOC, 0, 0);
        if (r->role == QR_ROLE_FRONT) {
            S_push(out, "P", S_FRONT, r->group, 1);
        } else if (r->role == QR_ROLE_TOC_TITLE) {
            S_push(out, "H1", S_TOC, 0, 1);
        } else if (r->role == QR_ROLE_TOC_ENTRY) {
            S_push(out, "TOC", S_TOC, 1, 0);
            S_push(out, "TOCI", S_TOC, r->group, 0);
        } else {
            S_push(out, "P", S_LOOSE, page, 1); /* text of no block: kept, in a P */
        }
    } else {
        int role = r->role == QR_ROLE_LABEL || r->role == QR_ROLE_CAPTION ? r->role : 0;
        S_copy_path(out, S_base_path(t, r->block, role));
    }
    if (r->role == QR_ROLE_LABEL || r->role == QR_ROLE_CAPTION)
        return;
    const char *inl = NULL;
    const void *id = NULL;
    size_t aux = 0;
    if (r->uri) {
        inl = CAIRO_TAG_LINK;
        id = r->uri;
        aux = (size_t)llround(r->y * 100);
    } else if (r->link_page > 0) {
        inl = CAIRO_TAG_LINK;
        id = S_TOC;
        aux = (size_t)r->link_page * 1000000 + (size_t)llround(r->y * 100);
    } else if (r->role == QR_ROLE_NOTE_CALL) {
        inl = "Reference";
        id = r;
    } else if (r->src && qr_node_get_type(r->src) == QR_NODE_CODE) {
        inl = "Code";
        id = r->src;
    } else if (r->block && S_flags(t, r->block)) {
        inl = "Span";
        id = r->block;
        aux = page;
    }
    if (inl) {
        S_push(out, inl, id, aux, 1);
        if (out->n > 0)
            out->e[out->n - 1].run = r;
    }
}

/* Marks the blocks whose text needs Span children: over a page break, or
 * with inline elements (and a note's caller). */
static void S_scan_blocks(S_tagger *t, const qr_layout *lay)
{
    const qr_node *last = NULL;
    for (size_t pi = 0; pi < lay->n_pages; pi++) {
        const qr_page *p = &lay->pages[pi];
        for (size_t k = 0; k < p->n_runs; k++) {
            const qr_run *r = &p->runs[k];
            if (r->artifact || !r->block || r->role == QR_ROLE_LABEL ||
                r->role == QR_ROLE_CAPTION)
                continue;
            size_t v = 0, was;
            int known = qr_ptrmap_get(&t->blocks, r->block, &v);
            was = v;
            if (!known)
                v = (pi + 1) << 2;
            else if ((v >> 2) != pi + 1)
                v |= S_SPLIT;
            if (r->uri || r->link_page > 0 || r->role == QR_ROLE_NOTE_CALL ||
                (r->src && qr_node_get_type(r->src) == QR_NODE_CODE))
                v |= S_MIXED;
            if (!known || v != was)
                qr_ptrmap_put(&t->blocks, r->block, v);
            if (r->block != last) {
                last = r->block;
                /* a note's text makes its caller's text go in Spans */
                const qr_node *note = S_ancestor(r->block, QR_NODE_NOTE);
                for (const qr_node *c = note ? qr_node_parent(note) : NULL; c;
                     c = qr_node_parent(c)) {
                    qr_node_type ty = qr_node_get_type(c);
                    if (ty == QR_NODE_PARAGRAPH || ty == QR_NODE_HEADING ||
                        ty == QR_NODE_TABLE_CELL) {
                        size_t cv = 0;
                        if (!qr_ptrmap_get(&t->blocks, c, &cv))
                            cv = (pi + 1) << 2;
                        qr_ptrmap_put(&t->blocks, c, cv | S_MIXED);
                        break;
                    }
                }
            }
        }
    }
}

static void S_tagger_init(S_tagger *t, cairo_t *cr, const qr_doc *doc, const qr_layout *lay)
{
    memset(t, 0, sizeof *t);
    t->cr = cr;
    t->doc = doc;
    qr_buf_init(&t->attr);
    qr_buf_init(&t->alts);
    size_t i = 0;
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE)
        if (ev == QR_EV_ENTER)
            qr_ptrmap_put(&t->order, it.node, ++i);
    S_scan_blocks(t, lay);
}

static void S_tagger_free(S_tagger *t)
{
    qr_ptrmap_free(&t->order);
    qr_ptrmap_free(&t->blocks);
    qr_buf_release(&t->attr);
    qr_buf_release(&t->alts);
    free(t->up);
    free(t->items);
}

static void S_close_to(S_tagger *t, int depth)
{
    while (t->depth > depth) {
        S_elem *e = &t->stack[--t->depth];
        cairo_tag_end(t->cr, e->type);
    }
}

/* Opens and closes tags so that the open ones are `p`. Returns whether
 * anything changed. */
static int S_sync(S_tagger *t, const S_path *p)
{
    int common = 0;
    while (common < t->depth && common < p->n && S_same(&t->stack[common], &p->e[common]))
        common++;
    if (common == t->depth && common == p->n)
        return 0;
    S_close_to(t, common);
    for (int i = common; i < p->n; i++) {
        const S_elem *e = &p->e[i];
        const char *attrs = NULL;
        if (e->run && strcmp(e->type, CAIRO_TAG_LINK) == 0) {
            if (e->run->uri) {
                S_uri_attr(&t->attr, e->run->uri);
            } else {
                /* Named destinations: cairo 1.16 writes a broken
                 * cross-reference for "page=N" links to pages not yet drawn. */
                qr_buf_reset(&t->attr);
                qr_buf_addf(&t->attr, "dest='page%d'", e->run->link_page);
            }
            attrs = t->attr.ptr;
        } else if (strcmp(e->type, "Figure") == 0) {
            size_t before = t->alts.len;
            qr_node_plain_text(e->id, &t->alts);
            for (size_t k = before; k < t->alts.len; k++)
                if (t->alts.ptr[k] == '\0')
                    t->alts.ptr[k] = ' ';
            qr_buf_addc(&t->alts, '\0');
            t->n_alts++;
        }
        cairo_tag_begin(t->cr, e->type, attrs);
        t->stack[t->depth++] = *e;
    }
    return 1;
}

/* Closes the elements that hold content (before a page's artifacts). */
static void S_close_leaves(S_tagger *t)
{
    int d = t->depth;
    while (d > 0 && t->stack[d - 1].leaf)
        d--;
    S_close_to(t, d);
}

static int S_item_cmp(const void *a, const void *b)
{
    const S_item *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A page's text and figures in document order (see S_item). */
static size_t S_page_items(S_tagger *t, const qr_page *p)
{
    size_t need = p->n_runs + p->n_gfx, n = 0;
    if (need > t->cap_items) {
        t->cap_items = need;
        t->items = xrealloc(t->items, need * sizeof *t->items);
    }
    size_t k1 = 0, k2 = 0;
    const qr_node *prev_block = NULL;
    for (size_t i = 0; i < p->n_runs; i++) {
        const qr_run *r = &p->runs[i];
        if (r->artifact)
            continue;
        if (r->role == QR_ROLE_CAPTION && r->block) {
            const qr_node *para = S_ancestor(r->block, QR_NODE_PARAGRAPH);
            k1 = para ? S_ord_end(t, para) : S_ord(t, r->block);
            k2 = S_BIG + 2 * S_ord(t, r->block) + 1;
        } else if (r->role == QR_ROLE_LABEL && r->block) {
            const qr_node *li = S_ancestor(r->block, QR_NODE_LIST_ITEM);
            k1 = S_ord(t, li ? li : r->block);
            k2 = 0;
        } else if (r->role == QR_ROLE_NOTE_CALL && r->ref) {
            k1 = S_ord(t, r->ref);
            k2 = 0;
        } else if (r->src) {
            k1 = S_ord(t, r->src);
            k2 = r->src_off;
        } else if (r->block && r->block != prev_block) {
            k1 = S_ord(t, r->block);
            k2 = 0;
        } /* else: the typesetter's text (a hyphen...) goes on from the last */
        prev_block = r->block;
        S_item *it = &t->items[n++];
        it->k1 = k1;
        it->k2 = k2;
        it->seq = i;
        it->run = r;
        it->gfx = NULL;
    }
    for (size_t i = 0; i < p->n_gfx; i++) {
        const qr_graphic *g = &p->gfx[i];
        if (g->kind != QR_GFX_IMAGE || !g->node)
            continue;
        const qr_node *para = S_ancestor(g->node, QR_NODE_PARAGRAPH);
        S_item *it = &t->items[n++];
        it->k1 = para ? S_ord_end(t, para) : S_ord(t, g->node);
        it->k2 = S_BIG + 2 * S_ord(t, g->node);
        it->seq = p->n_runs + i;
        it->run = NULL;
        it->gfx = g;
    }
    qsort(t->items, n, sizeof *t->items, S_item_cmp);
    return n;
}

/* Draws one rule, image or continuation mark. */
static int S_draw_graphic(cairo_t *cr, const qr_graphic *g, qr_error *err)
{
    switch (g->kind) {
    case QR_GFX_RULE:
        cairo_rectangle(cr, g->x, g->y - g->h / 2, g->w, g->h);
        cairo_fill(cr);
        break;
    case QR_GFX_IMAGE: {
        const qr_image *im = g->image;
        cairo_surface_t *img = S_image_surface(im->data, im->len, im->type, im->width, im->height,
                                               im->name ? im->name : "image", err);
        if (!img)
            return -1;
        double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
        cairo_save(cr);
        cairo_rectangle(cr, g->x, g->y, g->w, g->h);
        cairo_clip(cr);
        cairo_translate(cr, g->x, g->y);
        cairo_scale(cr, g->w / iw, g->h / ih);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
        break;
    }
    case QR_GFX_CONT:
        /* a hooked arrow: down, then right to the text */
        cairo_save(cr);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, g->x, g->y);
        cairo_line_to(cr, g->x, g->y + g->h * 0.7);
        cairo_line_to(cr, g->x + g->w, g->y + g->h * 0.7);
        cairo_stroke(cr);
        cairo_move_to(cr, g->x + g->w, g->y + g->h * 0.7);
        cairo_line_to(cr, g->x + g->w - g->h * 0.3, g->y + g->h * 0.5);
        cairo_line_to(cr, g->x + g->w - g->h * 0.3, g->y + g->h * 0.9);
        cairo_close_path(cr);
        cairo_fill(cr);
        cairo_restore(cr);
        break;
    }
    return 0;
}

/* Draws one run by itself (right-to-left text, a link). */
static void S_show_alone(cairo_t *cr, const qr_run *r, int **clusters, size_t *cap)
{
    if ((size_t)(r->g1 - r->g0) > *cap) {
        *cap = (size_t)(r->g1 - r->g0);
        *clusters = xrealloc(*clusters, *cap * sizeof **clusters);
    }
    S_show_run(cr, r, *clusters, *cap);
}

/*
 * Draws a page: its text and figures in document order inside their
 * structure elements, then (the elements holding content closed) its
 * artifacts: running head, folio, rules, marks. Text is drawn a line and
 * a font at a time where it can be (see batch).
 */
static int S_draw_page(S_tagger *t, const qr_page *p, size_t pi, batch *bt, int **clusters,
                       size_t *cap, qr_error *err)
{
    cairo_t *cr = t->cr;
    size_t n = S_page_items(t, p);
    S_path path;
    PangoFont *font = NULL;
    double y = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const S_item *it = &t->items[i];
        S_item_path(t, it, pi, &path);
        if (!S_is_open(t, &path)) {
            if (font)
                S_batch_flush(cr, bt, font);
            font = NULL;
            S_sync(t, &path);
        }
        if (it->gfx) {
            if (rc == 0)
                rc = S_draw_graphic(cr, it->gfx, err);
            continue;
        }
        const qr_run *r = it->run;
        if (r->shape->rtl || r->uri || r->link_page > 0) {
            if (font)
                S_batch_flush(cr, bt, font);
            font = NULL;
            S_show_alone(cr, r, clusters, cap);
            continue;
        }
        if (font && (font != r->shape->font || y != r->y)) {
            S_batch_flush(cr, bt, font);
            font = NULL;
        }
        if (font)
            S_batch_space(bt, font, y);
        S_batch_run(bt, r);
        font = r->shape->font;
        y = r->y;
    }
    if (font)
        S_batch_flush(cr, bt, font);
    S_close_leaves(t);
    /* the artifacts */
    font = NULL;
    for (size_t i = 0; i < p->n_runs; i++) {
        const qr_run *r = &p->runs[i];
        if (!r->artifact)
            continue;
        if (font && (font != r->shape->font || y != r->y || r->shape->rtl)) {
            S_batch_flush(cr, bt, font);
            font = NULL;
        }
        if (r->shape->rtl) {
            S_show_alone(cr, r, clusters, cap);
            continue;
        }
        if (font)
            S_batch_space(bt, font, y);
        S_batch_run(bt, r);
        font = r->shape->font;
        y = r->y;
    }
    if (font)
        S_batch_flush(cr, bt, font);
    for (size_t i = 0; i < p->n_gfx; i++)
        if ((p->gfx[i].kind != QR_GFX_IMAGE || !p->gfx[i].node) && rc == 0)
            rc = S_draw_graphic(cr, &p->gfx[i], err);
    return rc;
}

/* The document after cairo ------------------------------------------------
 *
 * What cairo 1.16 cannot say goes in an incremental update (ISO 32000-1
 * §7.5.6) appended to its file: the catalog again with the document's
 * language (/Lang) and /ViewerPreferences << /DisplayDocTitle true >> (a
 * viewer shows the title, not the file name), and each Figure element
 * again with its alternative text (/Alt): cairo accepts no attributes on
 * structure tags. cairo numbers the elements as their tags begin, so the
 * Figures in object order are the figures in the order drawn. */

/* The first `needle` in [p, p + len), or NULL. */
static const char *S_find(const char *p, size_t len, const char *needle, size_t n)
{
    for (const char *end = p + len; (size_t)(end - p) >= n; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, n) == 0)
            return p;
    }
    return NULL;
}

/* A PDF text string in hex, UTF-16BE with its byte order mark. */
static void S_pdf_text(qr_buf *out, const char *s, size_t len)
{
    qr_buf_adds(out, "<FEFF");
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)qr_utf8_decode(s + i, len - i, &cp);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            qr_buf_addf(out, "%04X%04X", 0xD800 + (unsigned)(cp >> 10),
                        0xDC00 + (unsigned)(cp & 0x3FF));
        } else {
            qr_buf_addf(out, "%04X", (unsigned)cp);
        }
    }
    qr_buf_addc(out, '>');
}

/* Object `num`'s dictionary in cairo's file: [*inner, *inner_end) between
 * its outer << and >>. Returns 0, or -1 when it is not one. */
static int S_object_dict(const qr_buf *pdf, size_t off, const char **inner, const char **inner_end)
{
    if (off >= pdf->len)
        return -1;
    const char *p = pdf->ptr + off, *end = pdf->ptr + pdf->len;
    const char *obj = S_find(p, (size_t)(end - p) < 64 ? (size_t)(end - p) : 64, "obj", 3);
    if (!obj)
        return -1;
    const char *open = obj + 3;
    while (open < end && (*open == ' ' || *open == '\r' || *open == '\n'))
        open++;
    if (end - open < 2 || open[0] != '<' || open[1] != '<')
        return -1;
    const char *eo = S_find(open, (size_t)(end - open), "endobj", 6);
    if (!eo)
        return -1;
    const char *close = eo;
    while (close > open + 2 && !(close[-1] == '>' && close[-2] == '>'))
        close--;
    if (close <= open + 2)
        return -1;
    *inner = open + 2;
    *inner_end = close - 2;
    return 0;
}

/* Whether a dictionary's text has `key` as a key ("/S /Figure" style
 * values included: the key and the value given). */
static int S_dict_has(const char *inner, const char *inner_end, const char *what)
{
    size_t n = strlen(what);
    for (const char *p = inner; p + n <= inner_end; p++) {
        p = S_find(p, (size_t)(inner_end - p), what, n);
        if (!p)
            return 0;
        char after = p + n < inner_end ? p[n] : ' ';
        if (after == ' ' || after == '\n' || after == '\r' || after == '/' || after == '>' ||
            after == '<' || after == '[' || after == '(')
            return 1;
    }
    return 0;
}

static unsigned long S_trailer_ref(const char *trailer, const char *key)
{
    const char *k = strstr(trailer, key);
    return k ? strtoul(k + strlen(key), NULL, 10) : 0;
}

/* Appends the update to cairo's file in out (see above). */
static int S_update(qr_buf *out, const char *lang, const qr_buf *alts, size_t n_alts,
                    qr_error *err)
{
    /* cairo's cross-reference table and trailer */
    const char *sx = NULL;
    for (size_t i = out->len >= 9 ? out->len - 9 : 0; i > 0 && !sx; i--)
        if (memcmp(out->ptr + i, "startxref", 9) == 0)
            sx = out->ptr + i;
    if (!sx)
        goto bad;
    size_t xref = strtoull(sx + 9, NULL, 10);
    if (xref + 5 > out->len || memcmp(out->ptr + xref, "xref", 4) != 0)
        goto bad;
    char *e;
    const char *q = out->ptr + xref + 4;
    unsigned long first = strtoul(q, &e, 10), count = strtoul(e, &e, 10);
    while (*e == ' ' || *e == '\r' || *e == '\n')
        e++;
    const char *table = e;
    if (first != 0 || count == 0 || table + 20 * count > out->ptr + out->len)
        goto bad;
    char *trailer = strndup(table + 20 * count, (size_t)(sx - (table + 20 * count)));
    unsigned long root = S_trailer_ref(trailer, "/Root"), info = S_trailer_ref(trailer, "/Info");
    /* a file identifier, kept (ISO 32000-1 §14.4: an update keeps the first) */
    char id[256] = "";
    const char *idp = strstr(trailer, "/ID");
    const char *ide = idp ? strchr(idp, ']') : NULL;
    if (ide && (size_t)(ide + 1 - idp) < sizeof id)
        snprintf(id, sizeof id, "%.*s", (int)(ide + 1 - idp), idp);
    free(trailer);
    if (root == 0 || root >= count || (idp && !id[0]))
        goto bad;

    qr_buf upd = QR_BUF_INIT;
    unsigned long *nums = xmalloc((n_alts + 1) * sizeof *nums);
    size_t *offs = xmalloc((n_alts + 1) * sizeof *offs);
    size_t n_new = 0;
    const char *alt = alts->ptr;
    size_t figures = 0;
    for (unsigned long num = 1; num < count; num++) {
        const char *ent = table + 20 * num;
        if (ent[17] != 'n')
            continue;
        size_t off = strtoull(ent, NULL, 10);
        const char *in, *in_end;
        if (num == root) {
            if (S_object_dict(out, off, &in, &in_end) < 0)
                goto bad_free;
            nums[n_new] = num;
            offs[n_new++] = out->len + upd.len;
            qr_buf_addf(&upd, "%lu 0 obj\n<<", num);
            qr_buf_add(&upd, in, (size_t)(in_end - in));
            if (!S_dict_has(in, in_end, "/Lang"))
                qr_buf_addf(&upd, "   /Lang (%s)\n", lang);
            if (!S_dict_has(in, in_end, "/MarkInfo"))
                qr_buf_adds(&upd, "   /MarkInfo << /Marked true >>\n");
            if (!S_dict_has(in, in_end, "/ViewerPreferences"))
                qr_buf_adds(&upd, "   /ViewerPreferences << /DisplayDocTitle true >>\n");
            qr_buf_adds(&upd, ">>\nendobj\n");
            continue;
        }
        if (figures >= n_alts || S_object_dict(out, off, &in, &in_end) < 0 ||
            !S_dict_has(in, in_end, "/StructElem") || !S_dict_has(in, in_end, "/S /Figure"))
            continue;
        size_t alen = strlen(alt);
        figures++;
        if (alen > 0 && !S_dict_has(in, in_end, "/Alt")) {
            nums[n_new] = num;
            offs[n_new++] = out->len + upd.len;
            qr_buf_addf(&upd, "%lu 0 obj\n<<", num);
            qr_buf_add(&upd, in, (size_t)(in_end - in));
            qr_buf_adds(&upd, "   /Alt ");
            S_pdf_text(&upd, alt, alen);
            qr_buf_adds(&upd, "\n>>\nendobj\n");
        }
        alt += alen + 1;
    }
    if (figures != n_alts) {
        free(nums);
        free(offs);
        qr_buf_release(&upd);
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                            "the PDF has %zu figure elements for %zu figures", figures, n_alts);
    }
    size_t start = out->len + upd.len;
    qr_buf_adds(&upd, "xref\n");
    for (size_t i = 0; i < n_new; i++) /* in object order, as made */
        qr_buf_addf(&upd, "%lu 1\n%010zu 00000 n \n", nums[i], offs[i]);
    qr_buf_addf(&upd, "trailer\n<< /Size %lu\n   /Root %lu 0 R\n", count, root);
    if (info)
        qr_buf_addf(&upd, "   /Info %lu 0 R\n", info);
    if (id[0])
        qr_buf_addf(&upd, "   %s\n", id);
    qr_buf_addf(&upd, "   /Prev %zu\n>>\nstartxref\n%zu\n%%%%EOF\n", xref, start);
    qr_buf_add(out, upd.ptr, upd.len);
    qr_buf_release(&upd);
    free(nums);
    free(offs);
    return 0;
bad_free:
    free(nums);
    free(offs);
    qr_buf_release(&upd);
bad:
    return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                        "cairo's PDF is not as expected: cannot add its language and alt texts");
}

/* The cover on a page of its own, scaled to fill the page (centred, the
 * overflow cut), then a blank page behind it so the book's first page
 * stays a recto. */
static void S_draw_cover(cairo_t *cr, cairo_surface_t *img, double pw, double ph)
{
    double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    double sc = pw / w > ph / h ? pw / w : ph / h;
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, pw, ph);
    cairo_clip(cr);
    cairo_translate(cr, (pw - w * sc) / 2, (ph - h * sc) / 2);
    cairo_scale(cr, sc, sc);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_show_page(cr);
    cairo_show_page(cr);
}

/* "2021-01-02T03:04:05Z" */
static void S_iso_date(time_t t, char *out, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The book's language for /Lang: a BCP 47 tag's characters, else "en". */
static const char *S_lang(const char *lang)
{
    if (!lang || !*lang || strlen(lang) > 35)
        return "en";
    for (const char *c = lang; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-'))
            return "en";
    return lang;
}

int qr_pdf_write(const qr_layout *lay, const qr_doc *doc, time_t date, qr_buf *out, qr_error *err)
{
    const qr_meta *m = qr_doc_meta_const(doc);
    cairo_surface_t *cover = NULL;
    if (m->cover_data && m->cover_type && !(cover = S_cover_surface(m, err)))
        return -1;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(S_write, out, lay->page_w, lay->page_h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        if (cover)
            cairo_surface_destroy(cover);
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "cairo cannot make a PDF: %s",
                            cairo_status_to_string(cairo_surface_status(surface)));
    }
    cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
    char when[32];
    S_iso_date(date, when, sizeof when);
    if (m->title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, m->title);
    if (m->n_creators > 0) {
        qr_buf authors = QR_BUF_INIT;
        for (int i = 0; i < m->n_creators; i++) {
            if (m->creators[i].role && strcmp(m->creators[i].role, "aut") != 0)
                continue;
            if (authors.len)
                qr_buf_adds(&authors, ", ");
            qr_buf_adds(&authors, m->creators[i].name);
        }
        if (authors.len)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, authors.ptr);
        qr_buf_release(&authors);
    }
    if (m->description)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, m->description);
    if (m->n_subjects > 0) {
        qr_buf keywords = QR_BUF_INIT;
        for (int i = 0; i < m->n_subjects; i++) {
            if (keywords.len)
                qr_buf_adds(&keywords, ", ");
            qr_buf_adds(&keywords, m->subjects[i]);
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, keywords.ptr);
        qr_buf_release(&keywords);
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "quire " QUIRE_VERSION);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, when);

    cairo_t *cr = cairo_create(surface);
    if (cover) {
        S_draw_cover(cr, cover, lay->page_w, lay->page_h);
        cairo_surface_destroy(cover);
    }
    S_tagger tg;
    S_tagger_init(&tg, cr, doc, lay);
    int gfx_rc = 0;
    size_t cap = 4096;
    int *clusters = xmalloc(cap * sizeof *clusters);
    batch bt;
    memset(&bt, 0, sizeof bt);
    qr_buf_init(&bt.text);
    for (size_t pi = 0; pi < lay->n_pages; pi++) {
        char dest[64];
        snprintf(dest, sizeof dest, "name='page%zu'", pi + 1);
        cairo_tag_begin(cr, CAIRO_TAG_DEST, dest);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        /* named destinations for the outline's entries on this page */
        for (size_t k = 0; k < lay->n_outline; k++) {
            if ((size_t)lay->outline[k].page != pi)
                continue;
            snprintf(dest, sizeof dest, "name='outline%zu' x=0 y=%.2f", k + 1,
                     lay->outline[k].y > 0 ? lay->outline[k].y : 0);
            cairo_tag_begin(cr, CAIRO_TAG_DEST, dest);
            cairo_tag_end(cr, CAIRO_TAG_DEST);
        }
        int rc = S_draw_page(&tg, &lay->pages[pi], pi, &bt, &clusters, &cap, err);
        if (gfx_rc == 0)
            gfx_rc = rc;
        cairo_show_page(cr);
    }
    S_close_to(&tg, 0);
    free(clusters);
    free(bt.glyphs);
    free(bt.clusters);
    qr_buf_release(&bt.text);

    /* The outline: parts, chapters and sections nested by level. */
    int parents[8] = {CAIRO_PDF_OUTLINE_ROOT};
    for (size_t i = 0; i < lay->n_outline; i++) {
        const qr_outline_item *o = &lay->outline[i];
        int level = o->level < 1 ? 1 : o->level > 7 ? 7 : o->level;
        int parent = parents[level - 1];
        for (int l = level - 1; l > 0 && !parent; l--)
            parent = parents[l - 1];
        char attrs[96];
        /* the named destination drawn with its page (see above) */
        snprintf(attrs, sizeof attrs, "dest='outline%zu'", i + 1);
        int id = cairo_pdf_surface_add_outline(surface, parent, o->title, attrs, 0);
        parents[level] = id;
        for (int l = level + 1; l < 8; l++)
            parents[l] = 0;
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    int rc = 0;
    if (gfx_rc < 0)
        rc = -1;
    else if (st != CAIRO_STATUS_SUCCESS)
        rc = qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "cairo failed writing the PDF: %s",
                          cairo_status_to_string(st));
    else
        rc = S_update(out, S_lang(m->language), &tg.alts, tg.n_alts, err);
    S_tagger_free(&tg);
    return rc;
}

void qr_trace_write(const qr_layout *lay, qr_buf *out)
{
    qr_buf_addf(out, "layout %.2f x %.2f pt, %zu pages\n", lay->page_w, lay->page_h, lay->n_pages);
    for (size_t i = 0; i < lay->n_outline; i++)
        qr_buf_addf(out, "outline %d page %d y %.2f \"%s\"\n", lay->outline[i].level,
                    lay->outline[i].page + 1, lay->outline[i].y, lay->outline[i].title);
    for (size_t pi = 0; pi < lay->n_pages; pi++) {
        const qr_page *p = &lay->pages[pi];
        qr_buf_addf(out, "page %zu folio \"%s\"\n", pi + 1, p->folio);
        for (size_t k = 0; k < p->n_runs; k++) {
            const qr_run *r = &p->runs[k];
            PangoFontDescription *d = pango_font_describe(r->shape->font);
            char *fd = pango_font_description_to_string(d);
            qr_buf_addf(out, "  %7.2f %7.2f %s \"%.*s\"%s", r->x, r->y, fd, r->b1 - r->b0,
                        r->shape->text + r->b0, r->artifact ? " artifact" : "");
            if (r->link_page)
                qr_buf_addf(out, " link %d", r->link_page);
            if (r->uri)
                qr_buf_addf(out, " uri %s", r->uri);
            qr_buf_addc(out, '\n');
            g_free(fd);
            pango_font_description_free(d);
        }
        static const char *const kinds[] = {"rule", "image", "continued"};
        for (size_t k = 0; k < p->n_gfx; k++) {
            const qr_graphic *g = &p->gfx[k];
            qr_buf_addf(out, "  %7.2f %7.2f %s %.2f x %.2f", g->x, g->y, kinds[g->kind], g->w, g->h);
            if (g->image)
                qr_buf_addf(out, " %s", g->image->name ? g->image->name : "");
            qr_buf_addc(out, '\n');
        }
    }
}
