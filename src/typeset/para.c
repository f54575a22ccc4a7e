/* para.c: paragraphs into box/glue/penalty lists (Knuth & Plass 1981, §2),
 * and broken lines into glyph runs. */
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layoutcache.h"
#include "para.h"

static qr_item *S_item(qr_para *p, qr_item_type type)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16; /* most paragraphs are short: a note, a heading */
        p->items = xrealloc(p->items, p->cap * sizeof *p->items);
    }
    qr_item *it = &p->items[p->n++];
    memset(it, 0, sizeof *it);
    it->type = type;
    it->user = -1;
    return it;
}

/* off: where byte b0 stands in the paragraph's text, -1 for the
 * typesetter's own (a hyphen). */
static int S_frag(qr_para *p, const qr_shape *s, int g0, int g1, int b0, int b1, int off)
{
    if (p->n_frags == p->cap_frags) {
        p->cap_frags = p->cap_frags ? p->cap_frags * 2 : 16;
        p->frags = xrealloc(p->frags, p->cap_frags * sizeof *p->frags);
    }
    qr_frag *fr = &p->frags[p->n_frags];
    memset(fr, 0, sizeof *fr);
    fr->shape = s;
    fr->g0 = g0;
    fr->g1 = g1;
    fr->b0 = b0;
    fr->b1 = b1;
    fr->off = off;
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

/* A stretch of the paragraph's text with one set of decorations, from
 * byte `start` to the next segment's start. */
typedef struct seg {
    size_t start;
    const char *uri;
    double rise;
    int note;
    int strike, nohyph;
} seg;

typedef struct segs {
    seg *v;
    size_t n, cap;
} segs;

typedef struct builder {
    qr_fonts *f;
    qr_para *p;
    const qr_print_options *opt;
    const char *text;
    int hyphenate;
    int url;          /* the word at hand is (part of) a URL */
    size_t last_glue; /* items index after the last interword glue */
    const seg *deco;  /* the decorations of the text at hand, or NULL */
} builder;

/* Gives fragments [from, n_frags) the decorations in force. */
static void S_decorate(builder *b, size_t from)
{
    if (!b->deco)
        return;
    for (size_t i = from; i < b->p->n_frags; i++) {
        qr_frag *fr = &b->p->frags[i];
        fr->uri = b->deco->uri;
        fr->rise = b->deco->rise;
        fr->note = b->deco->note;
        fr->strike = (unsigned)b->deco->strike;
    }
}

static void S_word_frags(builder *b, const PangoAnalysis *an, int start, int end);

/* Adds the boxes of one word (with hyphenation points between fragments). */
static void S_word(builder *b, const PangoAnalysis *an, int start, int end)
{
    size_t from = b->p->n_frags;
    S_word_frags(b, an, start, end);
    S_decorate(b, from);
}

static void S_word_frags(builder *b, const PangoAnalysis *an, int start, int end)
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
        /* cluster boundaries are breaks: TeX would leave an overfull
         * line; the word is cut, with a hyphen after a letter */
        const qr_shape *hy = qr_fonts_shape(b->f, an, "-", 1);
        const int *lc = s->glyphs->log_clusters;
        const PangoGlyphInfo *gi = s->glyphs->glyphs;
        /* breaks no closer than a sixteenth of the measure: a line of the
         * word ends at most that far short, and a word of millions of
         * letters costs a box, a fragment and a penalty per piece rather
         * than per letter (memory and time in the line breaker) */
        double piece = b->p->style.break_long / 8, run = 0;
        int g_prev = 0, b_prev = 0;
        for (int g = 1; g < s->glyphs->num_glyphs; g++) {
            run += (double)gi[g - 1].geometry.width / PANGO_SCALE;
            if (lc[g] == lc[g - 1] || run < piece)
                continue;
            run = 0;
            S_box(b->p, S_frag(b->p, s, g_prev, g, b_prev, lc[g], start + b_prev));
            uint32_t before;
            qr_utf8_decode(w + lc[g - 1], (size_t)(len - lc[g - 1]), &before);
            int hf = S_is_letter(before) && b->p->style.face != QR_FACE_MONO
                         ? S_frag(b->p, hy, 0, hy->glyphs->num_glyphs, 0, 1, -1)
                         : -1;
            S_penalty(b->p, 5000, QR_FLAG_CUT, hf >= 0 ? b->p->frags[hf].width : 0, hf);
            g_prev = g;
            b_prev = lc[g];
        }
        S_box(b->p, S_frag(b->p, s, g_prev, s->glyphs->num_glyphs, b_prev, len, start + b_prev));
        return;
    }
    char points[256];
    int n_points = 0;
    if (b->hyphenate && !(b->deco && b->deco->nohyph) && letters && c1 - c0 >= 5 && c1 - c0 < 200)
        n_points = qr_fonts_hyphenate(b->f, w + c0, c1 - c0, points, b->opt->hyphen_left,
                                      b->opt->hyphen_right);
    if (n_points == 0) {
        S_box(b->p, S_frag(b->p, s, 0, s->glyphs->num_glyphs, 0, len, start));
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
        S_box(b->p, S_frag(b->p, s, g_prev, g, b_prev, at, start + b_prev));
        int hf = S_frag(b->p, hy, 0, hy->glyphs->num_glyphs, 0, 1, -1);
        S_penalty(b->p, b->opt->breaking.hyphen_penalty, QR_FLAG_HYPHEN, b->p->frags[hf].width, hf);
        g_prev = g;
        b_prev = at;
    }
    S_box(b->p, S_frag(b->p, s, g_prev, s->glyphs->num_glyphs, b_prev, len, start + b_prev));
}

static int S_seg_same(const seg *a, const seg *b)
{
    return a->uri == b->uri && a->rise == b->rise && a->note == b->note &&
           a->strike == b->strike && a->nohyph == b->nohyph;
}

/* Text is about to be appended at `at` with decorations `d`. */
static void S_seg_mark(segs *sg, size_t at, const seg *d)
{
    if (sg->n > 0 && S_seg_same(&sg->v[sg->n - 1], d))
        return;
    if (sg->n > 0 && sg->v[sg->n - 1].start == at) {
        sg->v[sg->n - 1] = *d; /* nothing was written with the last one */
        sg->v[sg->n - 1].start = at;
        return;
    }
    if (sg->n == sg->cap) {
        sg->cap = sg->cap ? sg->cap * 2 : 16;
        sg->v = xrealloc(sg->v, sg->cap * sizeof *sg->v);
    }
    sg->v[sg->n] = *d;
    sg->v[sg->n].start = at;
    sg->n++;
}

int qr_link_allowed(const char *url)
{
    return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
                   strncasecmp(url, "mailto:", 7) == 0);
}

static void S_font_span(PangoAttrList *attrs, qr_fonts *f, int face, double size, size_t start,
                        size_t end)
{
    PangoAttribute *a = pango_attr_font_desc_new(qr_fonts_desc(f, face, size));
    a->start_index = (guint)start;
    a->end_index = (guint)end;
    pango_attr_list_insert(attrs, a);
}

/* An open inline container while collecting. */
typedef struct frame {
    qr_node_type type;
    size_t start;
    int face;       /* EMPH, STRONG: the face inside */
    const char *uri; /* LINK: the uri in force inside */
} frame;

/*
 * Collects the inline text of a node: spans of Pango attributes for
 * emphasis, strong and code, and segments for the decorations (links,
 * strikethrough, note numbers). Walks the tree with the iterator, so
 * nesting of any depth costs no stack.
 */
static void S_collect(const qr_node *node, const qr_para_style *st, qr_buf *text,
                      PangoAttrList *attrs, segs *sg, qr_fonts *f, qr_para *src)
{
    double size = st->size;
    frame *fr = NULL;
    size_t n_fr = 0, cap_fr = 0;
    int face = st->face, strike = 0, note = st->note_first;
    const char *uri = NULL;
    seg d = {0};
    if (st->label) {
        qr_para_add_src(src, 0, NULL, 0);
        S_seg_mark(sg, 0, &d);
        qr_buf_adds(text, st->label);
        S_font_span(attrs, f, QR_FACE_REGULAR, size, 0, text->len);
        qr_buf_add_utf8(text, 0x2002);
    }
    qr_iter it;
    qr_iter_init(&it, node);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        qr_node *c = it.node;
        qr_node_type t = qr_node_get_type(c);
        if (c == node)
            continue;
        d.uri = uri;
        d.strike = strike > 0;
        d.rise = 0;
        d.note = 0;
        d.nohyph = 0;
        if (ev == QR_EV_EXIT) {
            if (n_fr == 0 || fr[n_fr - 1].type != t)
                continue;
            frame *top = &fr[--n_fr];
            if (t == QR_NODE_EMPH || t == QR_NODE_STRONG)
                S_font_span(attrs, f, top->face, size, top->start, text->len);
            else if (t == QR_NODE_STRIKE)
                strike--;
            face = n_fr > 0 ? fr[n_fr - 1].face : st->face;
            uri = n_fr > 0 ? fr[n_fr - 1].uri : NULL;
            continue;
        }
        switch (t) {
        case QR_NODE_TEXT: {
            size_t len;
            const char *s = qr_node_text(c, &len);
            S_seg_mark(sg, text->len, &d);
            qr_para_add_src(src, text->len, c, 0);
            qr_buf_add(text, s, len);
            break;
        }
        case QR_NODE_LINE_BREAK:
            qr_para_add_src(src, text->len, NULL, 0);
            S_seg_mark(sg, text->len, &d);
            qr_buf_add_utf8(text, 0x2028);
            break;
        case QR_NODE_CODE: {
            size_t len, start = text->len;
            const char *s = qr_node_text(c, &len);
            d.nohyph = 1;
            S_seg_mark(sg, text->len, &d);
            qr_para_add_src(src, text->len, c, 0);
            qr_buf_add(text, s, len);
            S_font_span(attrs, f, QR_FACE_MONO, size * QR_MONO_SCALE, start, text->len);
            break;
        }
        case QR_NODE_NOTE:
            if (note > 0) {
                /* the call: a superscript number, set smaller and raised */
                size_t start = text->len;
                d.note = note;
                d.rise = size * 0.36;
                d.nohyph = 1;
                d.uri = NULL;
                d.strike = 0;
                S_seg_mark(sg, text->len, &d);
                qr_para_add_src(src, text->len, NULL, 0);
                qr_buf_addf(text, "%d", note++);
                S_font_span(attrs, f, QR_FACE_REGULAR, size * 0.62, start, text->len);
            }
            it.ev = QR_EV_EXIT; /* the note's blocks are set at the foot */
            break;
        case QR_NODE_IMAGE:
            if (qr_node_image(c))
                it.ev = QR_EV_EXIT; /* set as a figure by the page builder */
            break;                  /* else its alt text stands in the line */
        case QR_NODE_TABLE_CELL:
            if (text->len > 0) {
                qr_para_add_src(src, text->len, NULL, 0);
                S_seg_mark(sg, text->len, &d);
                qr_buf_add_utf8(text, 0x2003); /* cells of a row: an em space apart */
            }
            break;
        case QR_NODE_EMPH:
        case QR_NODE_STRONG:
        case QR_NODE_STRIKE:
        case QR_NODE_LINK: {
            if (qr_node_is_leaf(c))
                break;
            if (n_fr == cap_fr) {
                cap_fr = cap_fr ? cap_fr * 2 : 8;
                fr = xrealloc(fr, cap_fr * sizeof *fr);
            }
            frame *top = &fr[n_fr++];
            top->type = t;
            top->start = text->len;
            if (t == QR_NODE_STRONG)
                face = QR_FACE_BOLD;
            else if (t == QR_NODE_EMPH)
                face = face == QR_FACE_ITALIC ? QR_FACE_REGULAR : QR_FACE_ITALIC;
            else if (t == QR_NODE_STRIKE)
                strike++;
            else if (qr_link_allowed(qr_node_url(c)))
                uri = qr_node_url(c);
            top->face = face;
            top->uri = uri;
            break;
        }
        default: break;
        }
    }
    free(fr);
}

/* Whether text starts with a URL: a scheme's "http://", "https://",
 * "ftp://", "mailto:" or a "www." host. */
static int S_is_url(const char *text, size_t len)
{
    static const char *const starts[] = {"http://", "https://", "ftp://", "mailto:", "www."};
    for (size_t k = 0; k < QR_ARRAY_LEN(starts); k++) {
        size_t n = strlen(starts[k]);
        if (len > n && strncasecmp(text, starts[k], n) == 0)
            return 1;
    }
    return 0;
}

/* The first and last characters of a fragment. */
static void S_frag_ends(const qr_frag *fr, uint32_t *first, uint32_t *last)
{
    const char *t = fr->shape->text;
    *first = *last = 0;
    if (fr->b1 <= fr->b0)
        return;
    qr_utf8_decode(t + fr->b0, (size_t)(fr->b1 - fr->b0), first);
    int k = fr->b1 - 1;
    while (k > fr->b0 && ((unsigned char)t[k] & 0xC0) == 0x80)
        k--;
    qr_utf8_decode(t + k, (size_t)(fr->b1 - k), last);
}

/*
 * Character protrusion (pdfTeX's margin kerning, as microtype sets it):
 * each box may hang its first character into the left margin and its
 * last into the right one, a hyphen added at a break its own; the amounts
 * come from the font's table. The breaker measures lines with them
 * (qr_line.left, right) and qr_para_place_line shifts lines by them.
 */
static void S_protrude(qr_fonts *f, qr_para *p)
{
    for (size_t i = 0; i < p->n; i++) {
        qr_item *it = &p->items[i];
        if (it->user < 0 || (it->type == QR_ITEM_PENALTY && it->width <= 0) ||
            it->type == QR_ITEM_GLUE)
            continue;
        const qr_frag *fr = &p->frags[it->user];
        if (fr->shape->rtl || fr->g1 <= fr->g0)
            continue;
        uint32_t first, last;
        S_frag_ends(fr, &first, &last);
        double l, r, dummy;
        qr_fonts_protrusion(f, fr->shape->font, first, &l, &dummy);
        qr_fonts_protrusion(f, fr->shape->font, last, &dummy, &r);
        if (it->type == QR_ITEM_BOX)
            it->lp = l;
        it->rp = r;
    }
}

/*
 * Font expansion (pdfTeX's hz, microtype's expansion): the glyphs of every
 * word and hyphen may be set a little wider or narrower (qr_item.ex), the
 * breaker choosing how much per line; an indent keeps its width, and so
 * does ideographic text, which JIS X 4051 justifies by its spacing alone,
 * and monospace, whose columns must stay.
 */
static void S_expandable(qr_para *p)
{
    for (size_t i = 0; i < p->n; i++) {
        qr_item *it = &p->items[i];
        if (it->user < 0 || it->type == QR_ITEM_GLUE)
            continue;
        const qr_frag *fr = &p->frags[it->user];
        uint32_t first, last;
        S_frag_ends(fr, &first, &last);
        if (fr->g1 > fr->g0 && !S_is_cjk(first) && p->style.face != QR_FACE_MONO)
            it->ex = it->width;
    }
}

static int S_build(qr_fonts *f, const char *text, int len, PangoAttrList *attrs,
                   const segs *sg, const qr_para_style *st, const qr_print_options *opt,
                   const char *lang, qr_para *p)
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
    if (st->lining || st->small_caps) {
        PangoAttribute *ff = pango_attr_font_features_new(
            st->lining && st->small_caps ? QR_LINING_FEATURES ", " QR_SMALL_CAPS_FEATURES
            : st->lining                 ? QR_LINING_FEATURES
                                         : QR_SMALL_CAPS_FEATURES);
        ff->start_index = 0;
        ff->end_index = (guint)len;
        pango_attr_list_insert_before(attrs, ff);
    }

    GList *items = pango_itemize(qr_fonts_context(f), text, 0, len, attrs, NULL);
    int n_chars = (int)g_utf8_strlen(text, len);
    PangoLogAttr *log = xmalloc(sizeof(PangoLogAttr) * (size_t)(n_chars + 1));
    pango_get_log_attrs(text, len, -1, pl, log, n_chars + 1);

    builder b = {f, p, opt, text, st->hyphenate, 0, 0, sg && sg->n ? &sg->v[0] : NULL};
    size_t si = 0; /* the segment in force */
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
            if (sg && si + 1 < sg->n && sg->v[si + 1].start <= (size_t)i) {
                /* other decorations from here: the word so far is a box */
                if (word >= 0)
                    S_word(&b, an, word, i);
                word = -1;
                while (si + 1 < sg->n && sg->v[si + 1].start <= (size_t)i)
                    si++;
                b.deco = &sg->v[si];
            }
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
                } else if (word >= 0 && b.url && (prev == '/' || prev == '.' || prev == '-') &&
                           c != '/' && c != '.' && c != '-') {
                    /* inside a URL: a break after a slash, dot or hyphen,
                     * with no hyphen added (Chicago Manual 7.42, and
                     * LaTeX's url package), costing what an explicit
                     * hyphen does */
                    S_word(&b, an, word, i);
                    word = -1;
                    S_penalty(p, opt->breaking.ex_hyphen_penalty, 0, 0, -1);
                } else if (word >= 0 && S_cjk_closing(prev) && S_is_cjk(c)) {
                    /* no break here (kinsoku), but the closing mark's blank
                     * half em may still close up */
                    S_word(&b, an, word, i);
                    word = -1;
                    S_penalty(p, QR_PENALTY_INF, 0, 0, -1);
                    S_glue(p, 0, 0, st->size * 0.5);
                }
                if (word < 0) {
                    /* a word of a URL is broken only at its breaks above,
                     * never hyphenated */
                    if (prev == 0 || prev == ' ' || prev == '\t' || prev == '\n' || prev == 0xA0 ||
                        prev == '(' || prev == '<' || prev == 0x201C || prev == '"')
                        b.url = S_is_url(text + i, (size_t)(end - i));
                    b.hyphenate = b.url ? 0 : st->hyphenate;
                    word = i;
                }
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
    if (st->align == QR_ALIGN_JUSTIFY && opt && opt->breaking.protrusion)
        S_protrude(f, p);
    if (st->align == QR_ALIGN_JUSTIFY && opt && opt->breaking.expansion > 0)
        S_expandable(p);

    free(log);
    for (GList *l = items; l; l = l->next)
        pango_item_free(l->data);
    g_list_free(items);
    return 0;
}

/* A paragraph's key in the layout cache (which keeps a table for each
 * fonts and options): its style's bytes and its decorations' (pointers
 * cleared, the strings they point to added), so that a field added to
 * either is in the key; its language, its markup's attributes, its text.
 * Whatever else S_build comes to read must be added here, or quire watch
 * would set a paragraph as an earlier build did (tests/e2e_watch.c). */
static void S_cache_key(qr_buf *key, const qr_buf *text, PangoAttrList *attrs, const segs *sg,
                        const qr_para_style *st, const char *lang)
{
    qr_para_style s;
    memcpy(&s, st, sizeof s);
    s.label = NULL;
    qr_buf_add(key, &s, sizeof s);
    qr_lc_key_str(key, st->label);
    qr_lc_key_str(key, lang);
    for (size_t i = 0; i < sg->n; i++) {
        seg d;
        memcpy(&d, &sg->v[i], sizeof d);
        d.uri = NULL;
        qr_buf_add(key, &d, sizeof d);
        qr_lc_key_str(key, sg->v[i].uri);
    }
    char *a = pango_attr_list_to_string(attrs);
    qr_lc_key_str(key, a);
    g_free(a);
    qr_buf_add(key, text->ptr, text->len);
}

int qr_para_build(qr_fonts *f, const qr_node *node, const qr_para_style *st,
                  const qr_print_options *opt, const char *lang, qr_para *p)
{
    qr_buf text = QR_BUF_INIT;
    PangoAttrList *attrs = pango_attr_list_new();
    segs sg = {0};
    qr_para src = {0}; /* its sources, kept past S_build's reset */
    S_collect(node, st, &text, attrs, &sg, f, &src);
    qr_buf key = QR_BUF_INIT; /* for the layout cache: what S_build reads */
    if (opt && opt->cache)
        S_cache_key(&key, &text, attrs, &sg, st, lang);
    int rc = 0;
    if (!key.len || !qr_lc_para_get(opt->cache, f, &key, st, p)) {
        unsigned long missing = qr_fonts_missing_met(f);
        rc = S_build(f, text.ptr, (int)text.len, attrs, &sg, st, opt, lang, p);
        /* a paragraph with a character no font has is set again each
         * build, so that each build warns of it */
        if (key.len && rc == 0 && qr_fonts_missing_met(f) == missing)
            qr_lc_para_put(opt->cache, f, &key, p);
    }
    qr_buf_release(&key);
    p->srcs = src.srcs;
    p->n_srcs = src.n_srcs;
    p->cap_srcs = src.cap_srcs;
    pango_attr_list_unref(attrs);
    qr_buf_release(&text);
    free(sg.v);
    return rc;
}

int qr_para_build_text(qr_fonts *f, const char *text, const qr_para_style *st,
                       const qr_print_options *opt, const char *lang, qr_para *p)
{
    PangoAttrList *attrs = pango_attr_list_new();
    int rc = S_build(f, text, (int)strlen(text), attrs, NULL, st, opt, lang, p);
    pango_attr_list_unref(attrs);
    return rc;
}

int qr_para_build_code(qr_fonts *f, const char *text, int len, const qr_para_style *st,
                       const qr_print_options *opt, const char *lang, qr_para *p)
{
    memset(p, 0, sizeof *p);
    p->style = *st;
    if (len == 0)
        return 0;
    PangoAttrList *attrs = pango_attr_list_new();
    PangoLanguage *pl = pango_language_from_string(lang);
    PangoAttribute *la = pango_attr_language_new(pl);
    pango_attr_list_insert(attrs, la);
    pango_attr_list_insert(attrs, pango_attr_font_desc_new(qr_fonts_desc(f, st->face, st->size)));
    GList *items = pango_itemize(qr_fonts_context(f), text, 0, len, attrs, NULL);
    /* no hyphenation, and long words cut between characters without a
     * hyphen: code must read as written */
    builder b = {f, p, opt, text, 0, 0, 0, NULL};
    int leading = 1; /* still in the line's indentation */
    double indent = 0;
    for (GList *l = items; l; l = l->next) {
        PangoItem *it = l->data;
        const PangoAnalysis *an = &it->analysis;
        int end = it->offset + it->length;
        int word = -1;
        double sp = qr_fonts_shape(f, an, " ", 1)->width;
        for (int i = it->offset; i < end;) {
            uint32_t c;
            int n = qr_utf8_decode(text + i, (size_t)(end - i), &c);
            if (c == ' ' || c == '\t') {
                if (word >= 0)
                    S_word(&b, an, word, i);
                word = -1;
                double w = c == '\t' ? 4 * sp : sp;
                if (leading)
                    indent += w;
                else
                    /* a break may come at a space; spaces keep their width */
                    S_glue(p, w, sp, 0);
            } else {
                if (leading && indent > 0) {
                    S_box(p, -1);
                    p->items[p->n - 1].width = indent;
                }
                leading = 0;
                if (word < 0)
                    word = i;
            }
            i += n;
        }
        if (word >= 0)
            S_word(&b, an, word, end);
    }
    while (p->n > 0 && p->items[p->n - 1].type == QR_ITEM_GLUE)
        p->n--;
    if (p->n > 0) {
        S_penalty(p, QR_PENALTY_INF, 0, 0, -1);
        S_glue(p, 0, QR_FIL, 0);
        S_penalty(p, -QR_PENALTY_INF, 0, 0, -1);
    }
    for (GList *l = items; l; l = l->next)
        pango_item_free(l->data);
    g_list_free(items);
    pango_attr_list_unref(attrs);
    return 0;
}

void qr_para_free(qr_para *p)
{
    free(p->items);
    free(p->frags);
    free(p->srcs);
    memset(p, 0, sizeof *p);
}

void qr_para_add_src(qr_para *p, size_t start, const qr_node *node, size_t off)
{
    if (p->n_srcs > 0 && p->srcs[p->n_srcs - 1].start == start) {
        p->n_srcs--; /* nothing came from the last one */
    } else if (p->n_srcs > 0 && !node && !p->srcs[p->n_srcs - 1].node) {
        return; /* the typesetter's text goes on */
    }
    if (p->n_srcs == p->cap_srcs) {
        p->cap_srcs = p->cap_srcs ? p->cap_srcs * 2 : 8;
        p->srcs = xrealloc(p->srcs, p->cap_srcs * sizeof *p->srcs);
    }
    p->srcs[p->n_srcs].start = start;
    p->srcs[p->n_srcs].node = node;
    p->srcs[p->n_srcs].off = off;
    p->n_srcs++;
}

/* The document text at paragraph byte `off`: its node (NULL for the
 * typesetter's own text) and the byte in that node. */
static const qr_node *S_src_at(const qr_para *p, int off, size_t *node_off)
{
    *node_off = 0;
    if (off < 0 || p->n_srcs == 0 || p->srcs[0].start > (size_t)off)
        return NULL;
    size_t lo = 0, hi = p->n_srcs; /* the last entry starting at or before off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->srcs[mid].start <= (size_t)off)
            lo = mid;
        else
            hi = mid;
    }
    const qr_para_src *s = &p->srcs[lo];
    if (!s->node)
        return NULL;
    *node_off = s->off + ((size_t)off - s->start);
    return s->node;
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

qr_graphic *qr_page_add_gfx(qr_page *page, qr_gfx_kind kind, double x, double y, double w,
                            double h)
{
    if (page->n_gfx == page->cap_gfx) {
        page->cap_gfx = page->cap_gfx ? page->cap_gfx * 2 : 16;
        page->gfx = xrealloc(page->gfx, page->cap_gfx * sizeof *page->gfx);
    }
    qr_graphic *g = &page->gfx[page->n_gfx++];
    memset(g, 0, sizeof *g);
    g->kind = kind;
    g->x = x;
    g->y = y;
    g->w = w;
    g->h = h;
    return g;
}

static void S_place_frag(const qr_para *p, const qr_frag *fr, double x, double y, int space,
                         double expand, qr_page *page)
{
    if (fr->g1 <= fr->g0)
        return;
    y -= fr->rise;
    /* the next fragment of the same word, unbroken: extend the run */
    if (page->n_runs > 0) {
        qr_run *last = &page->runs[page->n_runs - 1];
        if (last->shape == fr->shape && last->g1 == fr->g0 && last->b1 == fr->b0 && last->y == y &&
            last->body && last->uri == fr->uri && last->expand == expand) {
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
    r->space_before = space != 0;
    r->expand = expand;
    r->uri = fr->uri;
    r->src = S_src_at(p, fr->off, &r->src_off);
}

/* A rule through struck-out text, from x0 to x1 on the line at y. */
static void S_strike(qr_page *page, const qr_para *p, double x0, double x1, double y)
{
    if (x1 > x0)
        qr_page_add_gfx(page, QR_GFX_RULE, x0, y - p->style.size * 0.24, x1 - x0,
                        p->style.size * 0.05);
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
    /* font expansion: the line's glyphs (its hangs too) are this much wider */
    double e = p->style.align == QR_ALIGN_JUSTIFY ? line->expansion : 0;
    if (p->style.align == QR_ALIGN_JUSTIFY)
        x -= line->left * (1 + e); /* character protrusion: the first glyph hangs out */
    if (p->style.align == QR_ALIGN_CENTER)
        x += (width - qr_para_natural(p, line)) / 2;
    else if (p->style.align == QR_ALIGN_RIGHT)
        x += width - qr_para_natural(p, line);
    size_t first_run = page->n_runs;
    double sx0 = -1, sx1 = 0; /* struck-out text so far on the line */
    int space = 0;            /* a word space since the last fragment placed */
    for (size_t i = line->start; i < line->end && i < p->n; i++) {
        const qr_item *it = &p->items[i];
        switch (it->type) {
        case QR_ITEM_BOX:
            if (it->user >= 0) {
                S_place_frag(p, &p->frags[it->user], x, y, space, it->ex > 0 ? e : 0, page);
                space = 0;
            }
            if (it->user >= 0 && p->frags[it->user].strike) {
                if (sx0 < 0)
                    sx0 = x;
                sx1 = x + it->width + e * it->ex;
            } else if (sx0 >= 0 && (it->user >= 0 || it->width > 0)) {
                S_strike(page, p, sx0, sx1, y);
                sx0 = -1;
            }
            x += it->width + e * it->ex;
            break;
        case QR_ITEM_GLUE:
            if (it->stretch >= QR_FIL / 2)
                break;
            /* interword glue has the width of a space; the glue between
             * CJK characters has none and is no space */
            if (it->width > 0)
                space = 1;
            x += it->width + (r > 0 ? r * it->stretch : r * it->shrink);
            break;
        case QR_ITEM_PENALTY: break;
        }
    }
    if (line->end < p->n) {
        const qr_item *br = &p->items[line->end];
        if (br->type == QR_ITEM_PENALTY && br->user >= 0) {
            /* the hyphen added where the breaker broke a word: in the
             * text, a soft hyphen (Unicode's for a hyphen at a line break
             * that copying and search leave out) */
            size_t before = page->n_runs;
            S_place_frag(p, &p->frags[br->user], x, y, 0, br->ex > 0 ? e : 0, page);
            if (page->n_runs > before)
                page->runs[page->n_runs - 1].soft_hyphen = 1;
            if (sx0 >= 0 && p->frags[br->user].strike)
                sx1 = x + br->width + e * br->ex;
        } else if (br->type == QR_ITEM_GLUE && br->width > 0 && br->stretch < QR_FIL / 2 &&
                   page->n_runs > first_run) {
            /* broken at a word space: the text keeps it */
            page->runs[page->n_runs - 1].space_after = 1;
        }
    }
    if (sx0 >= 0)
        S_strike(page, p, sx0, sx1, y);
}
