/* para.c: paragraphs into box/glue/penalty lists (Knuth & Plass 1981, §2),
 * and broken lines into glyph runs. */
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "para.h"

static qr_item *S_item(qr_para *p, qr_item_type type)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->items = xrealloc(p->items, p->cap * sizeof *p->items);
    }
    qr_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->type = type;
    it->user = -1;
    return it;
}

static int S_frag(qr_para *p, const qr_shape *s, int g0, int g1, int b0, int b1)
{
    if (p->n_frags == p->cap_frags) {
        p->cap_frags = p->cap_frags ? p->cap_frags * 2 : 256;
        p->frags = xrealloc(p->frags, p->cap_frags * sizeof *p->frags);
    }
    qr_frag *fr = &p->frags[p->n_frags];
    fr->shape = s;
    fr->g0 = g0;
    fr->g1 = g1;
    fr->b0 = b0;
    fr->b1 = b1;
    fr->width = qr_shape_width(s, g0, g1);
    return (int)p->n_frags++;
}

static void S_box(qr_para *p, int frag)
{
    qr_item *it = S_item(p, QR_ITEM_BOX);
    it->width = frag >= 0 ? p->frags[frag].width : 0;
    it->user = frag;
}

static void S_glue(qr_para *p, double w, double stretch, double shrink)
{
    qr_item *it = S_item(p, QR_ITEM_GLUE);
    it->width = w;
    it->stretch = stretch;
    it->shrink = shrink;
}

static void S_penalty(qr_para *p, int penalty, int flagged, double width, int frag)
{
    qr_item *it = S_item(p, QR_ITEM_PENALTY);
    it->penalty = penalty;
    it->flagged = flagged;
    it->width = width;
    it->user = frag;
}

static int S_is_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

static int S_is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000;
}

/* CJK closing punctuation, whose glyph carries half an em of blank space:
 * 、。，．」』）】〉》 (JIS X 4051's class 2 and 6) */
static int S_cjk_closing(uint32_t c)
{
    return c == 0x3001 || c == 0x3002 || c == 0xFF0C || c == 0xFF0E || c == 0x300D ||
           c == 0x300F || c == 0xFF09 || c == 0x3011 || c == 0x3009 || c == 0x300B;
}

typedef struct builder {
    qr_fonts *f;
    qr_para *p;
    const qr_print_options *opt;
    const char *text;
    int hyphenate;
    size_t last_glue; /* items index after the last interword glue */
} builder;

/* Adds the boxes of one word (with hyphenation points between fragments). */
static void S_word(builder *b, const PangoAnalysis *an, int start, int end)
{
    if (start < 0 || end <= start)
        return;
    const char *w = b->text + start;
    int len = end - start;
    const qr_shape *s = qr_fonts_shape(b->f, an, w, len);
    /* the letters at the word's core: "“Hello,”" hyphenates "Hello" */
    int c0 = 0, c1 = len;
    uint32_t cp;
    while (c0 < len) {
        int n = qr_utf8_decode(w + c0, (size_t)(len - c0), &cp);
        if (S_is_letter(cp))
            break;
        c0 += n;
    }
    int letters = 1;
    for (int i = c0; i < len;) {
        int n = qr_utf8_decode(w + i, (size_t)(len - i), &cp);
        if (!S_is_letter(cp)) {
            /* trailing punctuation ends the core; anything else inside
             * (digits, apostrophes) leaves the word whole */
            int k = i;
            while (k < len) {
                int m = qr_utf8_decode(w + k, (size_t)(len - k), &cp);
                if (S_is_letter(cp))
                    break;
                k += m;
            }
            if (k < len)
                letters = 0;
            c1 = i;
            break;
        }
        i += n;
    }
    if (b->p->style.break_long > 0 && s->width > b->p->style.break_long) {
        /* every cluster boundary is a break: TeX would leave an overfull
         * line; the word is cut, with a hyphen after a letter */
        const qr_shape *hy = qr_fonts_shape(b->f, an, "-", 1);
        const int *lc = s->glyphs->log_clusters;
        int g_prev = 0, b_prev = 0;
        for (int g = 1; g < s->glyphs->num_glyphs; g++) {
            if (lc[g] == lc[g - 1])
                continue;
            S_box(b->p, S_frag(b->p, s, g_prev, g, b_prev, lc[g]));
            uint32_t before;
            qr_utf8_decode(w + lc[g - 1], (size_t)(len - lc[g - 1]), &before);
            int hf = S_is_letter(before) ? S_frag(b->p, hy, 0, hy->glyphs->num_glyphs, 0, 1) : -1;
            S_penalty(b->p, 5000, QR_FLAG_EXPLICIT, hf >= 0 ? b->p->frags[hf].width : 0, hf);
            g_prev = g;
            b_prev = lc[g];
        }
        S_box(b->p, S_frag(b->p, s, g_prev, s->glyphs->num_glyphs, b_prev, len));
        return;
    }
    char points[256];
    int n_points = 0;
    if (b->hyphenate && letters && c1 - c0 >= 5 && c1 - c0 < 200)
        n_points = qr_fonts_hyphenate(b->f, w + c0, c1 - c0, points, b->opt->hyphen_left,
                                      b->opt->hyphen_right);
    if (n_points == 0) {
        S_box(b->p, S_frag(b->p, s, 0, s->glyphs->num_glyphs, 0, len));
        return;
    }
    const qr_shape *hy = qr_fonts_shape(b->f, an, "-", 1);
    int g_prev = 0, b_prev = 0;
    for (int i = 0; i < c1 - c0 - 1; i++) {
        if (!points[i])
            continue;
        int at = c0 + i + 1;
        int g = qr_shape_glyph_at(s, at);
        if (g <= g_prev)
            continue; /* inside a ligature: not a break */
        S_box(b->p, S_frag(b->p, s, g_prev, g, b_prev, at));
        int hf = S_frag(b->p, hy, 0, hy->glyphs->num_glyphs, 0, 1);
        S_penalty(b->p, b->opt->breaking.hyphen_penalty, QR_FLAG_HYPHEN, b->p->frags[hf].width, hf);
        g_prev = g;
        b_prev = at;
    }
    S_box(b->p, S_frag(b->p, s, g_prev, s->glyphs->num_glyphs, b_prev, len));
}

/* Collects the inline text of a node, with spans for emphasis and strong. */
static void S_collect(const qr_node *node, int face, qr_buf *text, PangoAttrList *attrs,
                      qr_fonts *f, double size)
{
    for (const qr_node *c = qr_node_first_child(node); c; c = qr_node_next(c)) {
        switch (qr_node_get_type(c)) {
        case QR_NODE_TEXT: {
            size_t len;
            const char *s = qr_node_text(c, &len);
            qr_buf_add(text, s, len);
            break;
        }
        case QR_NODE_LINE_BREAK: qr_buf_add_utf8(text, 0x2028); break;
        case QR_NODE_EMPH:
        case QR_NODE_STRONG: {
            int inner = qr_node_get_type(c) == QR_NODE_STRONG ? QR_FACE_BOLD
                        : face == QR_FACE_ITALIC              ? QR_FACE_REGULAR
                                                              : QR_FACE_ITALIC;
            size_t start = text->len;
            S_collect(c, inner, text, attrs, f, size);
            PangoAttribute *a = pango_attr_font_desc_new(qr_fonts_desc(f, inner, size));
            a->start_index = (guint)start;
            a->end_index = (guint)text->len;
            pango_attr_list_insert(attrs, a);
            break;
        }
        default: break;
        }
    }
}

static int S_build(qr_fonts *f, const char *text, int len, PangoAttrList *attrs,
                   const qr_para_style *st, const qr_print_options *opt, const char *lang,
                   qr_para *p)
{
    memset(p, 0, sizeof *p);
    p->style = *st;
    if (len == 0)
        return 0;
    PangoLanguage *pl = pango_language_from_string(lang);
    PangoAttribute *la = pango_attr_language_new(pl);
    la->start_index = 0;
    la->end_index = (guint)len;
    pango_attr_list_insert_before(attrs, la);
    PangoAttribute *fd = pango_attr_font_desc_new(qr_fonts_desc(f, st->face, st->size));
    fd->start_index = 0;
    fd->end_index = (guint)len;
    pango_attr_list_insert_before(attrs, fd);

    GList *items = pango_itemize(qr_fonts_context(f), text, 0, len, attrs, NULL);
    int n_chars = (int)g_utf8_strlen(text, len);
    PangoLogAttr *log = xmalloc(sizeof(PangoLogAttr) * (size_t)(n_chars + 1));
    pango_get_log_attrs(text, len, -1, pl, log, n_chars + 1);

    builder b = {f, p, opt, text, st->hyphenate, 0};
    if (st->indent > 0)
        S_box(p, -1), p->items[p->n - 1].width = st->indent;
    int ci = 0;
    uint32_t prev = 0;
    for (GList *l = items; l; l = l->next) {
        PangoItem *it = l->data;
        const PangoAnalysis *an = &it->analysis;
        int end = it->offset + it->length;
        int word = -1;
        for (int i = it->offset; i < end; ci++) {
            uint32_t c;
            int n = qr_utf8_decode(text + i, (size_t)(end - i), &c);
            if (c == 0x2028) {
                /* a forced line break: TeX's \hfil\break */
                if (word >= 0)
                    S_word(&b, an, word, i);
                word = -1;
                S_glue(p, 0, QR_FIL, 0);
                S_penalty(p, -QR_PENALTY_INF, 0, 0, -1);
            } else if (c == ' ' || c == '\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A)) {
                if (word >= 0)
                    S_word(&b, an, word, i);
                word = -1;
                if (p->n > 0 && p->items[p->n - 1].type != QR_ITEM_GLUE) {
                    /* interword glue from the font's space: TeX's
                     * fontdimens 2-4, stretch 1/2 and shrink 1/3 */
                    double sp = qr_fonts_shape(f, an, " ", 1)->width;
                    if (c == 0xA0)
                        S_penalty(p, QR_PENALTY_INF, 0, 0, -1);
                    S_glue(p, sp, sp / 2, sp / 3);
                    b.last_glue = p->n;
                }
            } else {
                if (word >= 0 && log[ci].is_line_break) {
                    S_word(&b, an, word, i);
                    word = -1;
                    if (S_is_cjk(prev) || S_is_cjk(c))
                        /* between CJK characters: a little stretch for
                         * justification (JIS X 4051 spaces out characters
                         * evenly); after a closing mark (、。」) its blank
                         * half em may close up */
                        S_glue(p, 0, st->size * 0.25, S_cjk_closing(prev) ? st->size * 0.5 : 0);
                    else
                        /* after an explicit hyphen or a dash */
                        S_penalty(p, opt->breaking.ex_hyphen_penalty, QR_FLAG_EXPLICIT, 0, -1);
                } else if (word >= 0 && S_cjk_closing(prev) && S_is_cjk(c)) {
                    /* no break here (kinsoku), but the closing mark's blank
                     * half em may still close up */
                    S_word(&b, an, word, i);
                    word = -1;
                    S_penalty(p, QR_PENALTY_INF, 0, 0, -1);
                    S_glue(p, 0, 0, st->size * 0.5);
                }
                if (word < 0)
                    word = i;
            }
            prev = c;
            i += n;
        }
        if (word >= 0)
            S_word(&b, an, word, end);
    }
    /* No hyphen in the last word of a paragraph. */
    for (size_t i = b.last_glue; i < p->n; i++)
        if (p->items[i].type == QR_ITEM_PENALTY && p->items[i].flagged && p->items[i].width > 0)
            p->items[i].penalty = QR_PENALTY_INF;
    /* Drop trailing glue; end with \parfillskip and a forced break. */
    while (p->n > 0 && p->items[p->n - 1].type == QR_ITEM_GLUE)
        p->n--;
    S_penalty(p, QR_PENALTY_INF, 0, 0, -1);
    S_glue(p, 0, QR_FIL, 0);
    S_penalty(p, -QR_PENALTY_INF, 0, 0, -1);

    free(log);
    for (GList *l = items; l; l = l->next)
        pango_item_free(l->data);
    g_list_free(items);
    return 0;
}

int qr_para_build(qr_fonts *f, const qr_node *node, const qr_para_style *st,
                  const qr_print_options *opt, const char *lang, qr_para *p)
{
    qr_buf text = QR_BUF_INIT;
    PangoAttrList *attrs = pango_attr_list_new();
    S_collect(node, st->face, &text, attrs, f, st->size);
    int rc = S_build(f, text.ptr, (int)text.len, attrs, st, opt, lang, p);
    pango_attr_list_unref(attrs);
    qr_buf_release(&text);
    return rc;
}

int qr_para_build_text(qr_fonts *f, const char *text, const qr_para_style *st,
                       const qr_print_options *opt, const char *lang, qr_para *p)
{
    PangoAttrList *attrs = pango_attr_list_new();
    int rc = S_build(f, text, (int)strlen(text), attrs, st, opt, lang, p);
    pango_attr_list_unref(attrs);
    return rc;
}

void qr_para_free(qr_para *p)
{
    free(p->items);
    free(p->frags);
    memset(p, 0, sizeof *p);
}

double qr_para_natural(const qr_para *p, const qr_line *line)
{
    double w = 0;
    for (size_t i = line->start; i < line->end && i < p->n; i++)
        if (p->items[i].type != QR_ITEM_PENALTY && p->items[i].stretch < QR_FIL / 2)
            w += p->items[i].width;
    if (line->end < p->n && p->items[line->end].type == QR_ITEM_PENALTY)
        w += p->items[line->end].width;
    return w;
}

qr_run *qr_page_add_run(qr_page *page)
{
    if (page->n_runs == page->cap) {
        page->cap = page->cap ? page->cap * 2 : 256;
        page->runs = xrealloc(page->runs, page->cap * sizeof *page->runs);
    }
    qr_run *r = &page->runs[page->n_runs++];
    memset(r, 0, sizeof *r);
    return r;
}

static void S_place_frag(const qr_frag *fr, double x, double y, qr_page *page)
{
    if (fr->g1 <= fr->g0)
        return;
    /* the next fragment of the same word, unbroken: extend the run */
    if (page->n_runs > 0) {
        qr_run *last = &page->runs[page->n_runs - 1];
        if (last->shape == fr->shape && last->g1 == fr->g0 && last->b1 == fr->b0 && last->y == y &&
            last->body) {
            last->g1 = fr->g1;
            last->b1 = fr->b1;
            return;
        }
    }
    qr_run *r = qr_page_add_run(page);
    r->x = x;
    r->y = y;
    r->shape = fr->shape;
    r->g0 = fr->g0;
    r->g1 = fr->g1;
    r->b0 = fr->b0;
    r->b1 = fr->b1;
    r->body = 1;
}

void qr_para_place_line(const qr_para *p, const qr_line *line, int last, double x0, double y,
                        double width, qr_page *page)
{
    /* Justified lines take their ratio; the last line of a paragraph and
     * ragged lines keep natural spaces, unless the breaker shrank them to
     * fit (TeX shrinks a last line too). */
    double r = line->ratio < 0 ? line->ratio : 0;
    if (p->style.align == QR_ALIGN_JUSTIFY && !last)
        r = line->ratio;
    double x = x0;
    if (p->style.align == QR_ALIGN_CENTER)
        x += (width - qr_para_natural(p, line)) / 2;
    for (size_t i = line->start; i < line->end && i < p->n; i++) {
        const qr_item *it = &p->items[i];
        switch (it->type) {
        case QR_ITEM_BOX:
            if (it->user >= 0)
                S_place_frag(&p->frags[it->user], x, y, page);
            x += it->width;
            break;
        case QR_ITEM_GLUE:
            if (it->stretch >= QR_FIL / 2)
                break;
            x += it->width + (r > 0 ? r * it->stretch : r * it->shrink);
            break;
        case QR_ITEM_PENALTY: break;
        }
    }
    if (line->end < p->n) {
        const qr_item *br = &p->items[line->end];
        if (br->type == QR_ITEM_PENALTY && br->user >= 0)
            S_place_frag(&p->frags[br->user], x, y, page);
    }
}
