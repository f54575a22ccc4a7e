/* pdftag.c: the tagged PDF's structure tree, opened and closed around what
 * each page draws. */
#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdraw.h"

/* The structure tree --------------------------------------------------------
 *
 * Tagged PDF (ISO 32000-1 §14.8) through cairo's tag API: every page's text
 * and figures are drawn inside structure tags, in the order of the
 * document, not of the page: a table's cells one after another (not line
 * by line across the row), a footnote right after the number that calls
 * it (inside its paragraph, as a Note after a Reference), a figure after
 * its paragraph (a figure floated to the top of a page that a block goes
 * on to is read after that block, not inside it). The tree:
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

static const char S_DOC[] = "Document", S_FRONT[] = "front", S_TOC[] = "toc", S_LOOSE[] = "loose";

static size_t S_ord(const qr_tagger *t, const qr_node *n)
{
    size_t v = 0;
    if (n)
        qr_ptrmap_get(&t->order, n, &v);
    return v;
}

/* The place of the last node inside n (n's own when it has no children). */
static size_t S_ord_end(const qr_tagger *t, const qr_node *n)
{
    const qr_node *last = n;
    while (qr_node_last_child(last))
        last = qr_node_last_child(last);
    return S_ord(t, last);
}

static void S_push(qr_tag_path *p, const char *type, const void *id, size_t aux, int leaf)
{
    if (p->n >= QR_TAG_MAX_DEPTH)
        return;
    qr_tag_elem *e = &p->e[p->n++];
    e->type = type;
    e->id = id;
    e->aux = aux;
    e->leaf = leaf;
    e->run = NULL;
}

static int S_same(const qr_tag_elem *a, const qr_tag_elem *b)
{
    return a->id == b->id && a->aux == b->aux &&
           (a->type == b->type || strcmp(a->type, b->type) == 0);
}

static void S_copy_path(qr_tag_path *to, const qr_tag_path *from)
{
    to->n = from->n;
    memcpy(to->e, from->e, (size_t)from->n * sizeof *from->e);
}

int qr_tag_is_open(const qr_tagger *t, const qr_tag_path *p)
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

static unsigned S_flags(const qr_tagger *t, const qr_node *block)
{
    size_t v = 0;
    qr_ptrmap_get(&t->blocks, block, &v);
    return (unsigned)(v & 3);
}

/* The element a block's own text goes in (a heading, paragraph...). */
static void S_push_block(qr_tagger *t, qr_tag_path *p, const qr_node *n, int leaf)
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
static void S_push_ancestors(qr_tagger *t, qr_tag_path *p, const qr_node *n)
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
    while (k-- > 0 && p->n < QR_TAG_MAX_DEPTH - 4) {
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
        case QR_NODE_SPEECH:
        case QR_NODE_VERSE: S_push(p, "Div", a, 0, 0); break;
        case QR_NODE_SPEAKER:
        case QR_NODE_STAGE:
        case QR_NODE_VERSE_LINE:
        case QR_NODE_PARAGRAPH:
        case QR_NODE_HEADING:
        case QR_NODE_TABLE_CELL: S_push_block(t, p, a, 0); break; /* a note's caller */
        default: break;
        }
    }
}

/* The elements around a run of `block` with `role`, or around a figure's
 * image (block: the IMAGE, role -1): cached, as runs come in blocks. */
static const qr_tag_path *S_base_path(qr_tagger *t, const qr_node *block, int role)
{
    if (t->cached == block && t->cached_role == role)
        return &t->path;
    qr_tag_path *p = &t->path;
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
void qr_tag_item_path(qr_tagger *t, const qr_tag_item *it, size_t page, qr_tag_path *out)
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
static void S_scan_blocks(qr_tagger *t, const qr_layout *lay)
{
    const qr_node *last = NULL;
    for (size_t pi = 0; pi < lay->n_pages; pi++) {
        const qr_page *p = &lay->pages[pi];
        for (size_t k = 0; k < p->n_runs; k++) {
            const qr_run *r = &p->runs[k];
            if (r->artifact || !r->block || r->role == QR_ROLE_LABEL || r->role == QR_ROLE_CAPTION)
                continue;
            size_t v = 0, was;
            int known = qr_ptrmap_get(&t->blocks, r->block, &v);
            was = v;
            if (!known)
                v = (pi + 1) << 2;
            else if ((v >> 2) != pi + 1)
                v |= QR_TAG_SPLIT;
            if (r->uri || r->link_page > 0 || r->role == QR_ROLE_NOTE_CALL ||
                (r->src && qr_node_get_type(r->src) == QR_NODE_CODE))
                v |= QR_TAG_MIXED;
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
                        qr_ptrmap_put(&t->blocks, c, cv | QR_TAG_MIXED);
                        break;
                    }
                }
            }
        }
    }
}

void qr_tag_tagger_init(qr_tagger *t, cairo_t *cr, const qr_doc *doc, const qr_layout *lay)
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

void qr_tag_tagger_free(qr_tagger *t)
{
    qr_ptrmap_free(&t->order);
    qr_ptrmap_free(&t->blocks);
    qr_buf_release(&t->attr);
    qr_buf_release(&t->alts);
    free(t->up);
    free(t->items);
}

void qr_tag_close_to(qr_tagger *t, int depth)
{
    while (t->depth > depth) {
        qr_tag_elem *e = &t->stack[--t->depth];
        cairo_tag_end(t->cr, e->type);
    }
}

/* Opens and closes tags so that the open ones are `p`. Returns whether
 * anything changed. */
int qr_tag_sync(qr_tagger *t, const qr_tag_path *p)
{
    int common = 0;
    while (common < t->depth && common < p->n && S_same(&t->stack[common], &p->e[common]))
        common++;
    if (common == t->depth && common == p->n)
        return 0;
    qr_tag_close_to(t, common);
    for (int i = common; i < p->n; i++) {
        const qr_tag_elem *e = &p->e[i];
        const char *attrs = NULL;
        if (e->run && strcmp(e->type, CAIRO_TAG_LINK) == 0) {
            if (e->run->uri) {
                qr_pdf_uri_attr(&t->attr, e->run->uri);
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
void qr_tag_close_leaves(qr_tagger *t)
{
    int d = t->depth;
    while (d > 0 && t->stack[d - 1].leaf)
        d--;
    qr_tag_close_to(t, d);
}

static int S_item_cmp(const void *a, const void *b)
{
    const qr_tag_item *x = a, *y = b;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A page's text and figures in document order (see qr_tag_item). */
size_t qr_tag_page_items(qr_tagger *t, const qr_page *p)
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
            if (r->ref && S_ord_end(t, r->ref) > k1)
                k1 = S_ord_end(t, r->ref); /* floated past it */
            k2 = QR_TAG_BIG + 2 * S_ord(t, r->block) + 1;
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
        qr_tag_item *it = &t->items[n++];
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
        qr_tag_item *it = &t->items[n++];
        it->k1 = para ? S_ord_end(t, para) : S_ord(t, g->node);
        if (g->after && S_ord_end(t, g->after) > it->k1)
            it->k1 = S_ord_end(t, g->after); /* floated past it */
        it->k2 = QR_TAG_BIG + 2 * S_ord(t, g->node);
        it->seq = p->n_runs + i;
        it->run = NULL;
        it->gfx = g;
    }
    qsort(t->items, n, sizeof *t->items, S_item_cmp);
    return n;
}
