/*
 * pages.c: the page builder.
 *
 * Outline:
 *   1. Front matter: half-title, title page and, for a book of more than
 *      one chapter, a table of contents (laid out last, when the body's
 *      page numbers are known, but counted first: one entry a line).
 *   2. For each chapter: a new page (a recto where the style asks), a sunk
 *      heading, then its blocks (paragraphs, section headings, scene
 *      breaks) broken into lines by Knuth and Plass's algorithm.
 *   3. The chapter's lines stand on a baseline grid, a fixed number to a
 *      page, so facing pages end on the same baseline. Where a page would
 *      end with a paragraph's first line (an orphan), begin with its last
 *      (a widow), or end with a heading, a paragraph on the page is
 *      re-broken one line looser or tighter (TeX's \looseness, as
 *      lua-widow-control does); only when none can be is the page ended a
 *      line early.
 *   4. Running heads (book title on versos, chapter title on rectos) and
 *      folios on every page but chapter openings and blank pages.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "para.h"

enum { PB_PARA, PB_SUBHEAD, PB_BREAK, PB_BLANK };

typedef struct pblock {
    int kind;
    qr_para para;
    qr_line *lines;
    size_t n_lines;
    int looseness;
    double left, width; /* within the text block */
    const qr_node *node;
} pblock;

typedef struct pb {
    const qr_doc *doc;
    const qr_print_options *opt;
    qr_layout *lay;
    qr_fonts *fonts;
    qr_error *err;
    double measure, text_h, y0;
    int lines_per_page;
    /* the chapter being built */
    pblock *blocks;
    size_t n_blocks, cap_blocks;
    /* chapter titles for running heads, one per page */
    const char **page_chapter; /* per page: the chapter title in force */
    unsigned char *opening;    /* per page: a chapter opening or blank */
    size_t cap_pages_meta;
    int body_pages_start; /* unused until front matter is prepended */
    const char *book_title;
    size_t parity_base; /* page index that will be the book's first page */
} pb;

void qr_print_options_default(qr_print_options *o)
{
    memset(o, 0, sizeof *o);
    o->page_w = 148 * QR_MM;
    o->page_h = 210 * QR_MM;
    o->inner = 20 * QR_MM;
    o->outer = 16 * QR_MM;
    o->top = 18 * QR_MM;
    o->bottom = 22 * QR_MM;
    o->font_family = "EB Garamond 12";
    o->font_size = 11;
    o->leading = 14;
    o->recto_chapters = 0;
    qr_break_params_default(&o->breaking);
    o->breaking.emergency_stretch = 1.5 * o->font_size;
    o->hyphen_left = 2;
    o->hyphen_right = 3;
}

double qr_print_parse_length(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    if (strcmp(end, "mm") == 0)
        return v * QR_MM;
    if (strcmp(end, "cm") == 0)
        return v * 10 * QR_MM;
    if (strcmp(end, "in") == 0)
        return v * QR_IN;
    if (strcmp(end, "pt") == 0 || *end == '\0')
        return v;
    return -1;
}

int qr_print_set_trim(qr_print_options *o, const char *name)
{
    static const struct {
        const char *name;
        double w, h;
    } trims[] = {
        {"a5", 148 * QR_MM, 210 * QR_MM},        {"a4", 210 * QR_MM, 297 * QR_MM},
        {"letter", 8.5 * QR_IN, 11 * QR_IN},     {"us-letter", 8.5 * QR_IN, 11 * QR_IN},
        {"5.5x8.5in", 5.5 * QR_IN, 8.5 * QR_IN}, {"6x9in", 6 * QR_IN, 9 * QR_IN},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(trims); i++) {
        if (strcasecmp(name, trims[i].name) == 0) {
            o->page_w = trims[i].w;
            o->page_h = trims[i].h;
            return 0;
        }
    }
    /* WxH with a unit: 140x216mm */
    char w[32], h[32];
    const char *x = strchr(name, 'x');
    if (!x || x - name >= (long)sizeof w || strlen(x + 1) >= sizeof h)
        return -1;
    memcpy(w, name, (size_t)(x - name));
    w[x - name] = '\0';
    strcpy(h, x + 1);
    const char *unit = h + strspn(h, "0123456789.");
    if (*unit && !strpbrk(w, "abcdefghijklmnopqrstuvwxyz"))
        strncat(w, unit, sizeof w - strlen(w) - 1);
    double pw = qr_print_parse_length(w), ph = qr_print_parse_length(h);
    if (pw < 72 || ph < 72 || pw > 72 * 60 || ph > 72 * 60)
        return -1;
    o->page_w = pw;
    o->page_h = ph;
    return 0;
}

/* Pages ----------------------------------------------------------------- */

static qr_page *S_new_page(pb *b, const char *chapter, int opening)
{
    qr_layout *lay = b->lay;
    if (lay->n_pages == lay->cap_pages) {
        lay->cap_pages = lay->cap_pages ? lay->cap_pages * 2 : 64;
        lay->pages = xrealloc(lay->pages, lay->cap_pages * sizeof *lay->pages);
    }
    if (lay->n_pages >= b->cap_pages_meta) {
        b->cap_pages_meta = lay->cap_pages;
        b->page_chapter = xrealloc(b->page_chapter, b->cap_pages_meta * sizeof(char *));
        b->opening = xrealloc(b->opening, b->cap_pages_meta);
    }
    qr_page *p = &lay->pages[lay->n_pages];
    memset(p, 0, sizeof *p);
    b->page_chapter[lay->n_pages] = chapter;
    b->opening[lay->n_pages] = (unsigned char)opening;
    lay->n_pages++;
    return p;
}

/* Left edge of the text block: the inner margin on rectos (odd pages, in
 * a book whose first page is a recto), the outer on versos. */
static double S_left(const pb *b, size_t page_index)
{
    return (page_index - b->parity_base) % 2 == 0 ? b->opt->inner : b->opt->outer;
}

static void S_outline(pb *b, const char *title, int level, double y)
{
    qr_layout *lay = b->lay;
    if (lay->n_outline == lay->cap_outline) {
        lay->cap_outline = lay->cap_outline ? lay->cap_outline * 2 : 64;
        lay->outline = xrealloc(lay->outline, lay->cap_outline * sizeof *lay->outline);
    }
    qr_outline_item *o = &lay->outline[lay->n_outline++];
    o->title = qr_arena_strdup(lay->arena, title);
    o->level = level;
    o->page = (int)lay->n_pages - 1;
    o->y = y;
}

/* Line breaking ----------------------------------------------------------- */

static int S_lines_overfull(const qr_line *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lines[i].overfull)
            return 1;
    return 0;
}

/*
 * (Re-)breaks a block's paragraph with a looseness. Where the breaker can
 * only make an overfull line, it tries again as TeX's \sloppy does (any
 * badness, twice the emergency stretch): a loose line is better than ink
 * in the margin.
 */
static int S_break(pb *b, pblock *bl, int looseness)
{
    qr_break_params p = b->opt->breaking;
    p.looseness = looseness;
    if (bl->para.style.align != QR_ALIGN_JUSTIFY)
        p.tolerance = 10000; /* ragged: any spacing is fine */
    qr_line *lines = NULL;
    size_t n =
        qr_break_lines(bl->para.items, bl->para.n, bl->width, NULL, NULL, &p, &lines, NULL, b->err);
    if (n > 0 && S_lines_overfull(lines, n) && p.tolerance < 9999) {
        /* TeX's \sloppy: 9999, not 10000, so that lines of infinite
         * badness stay infeasible and the emergency pass runs, where
         * badness still tells a little loose from a gaping line */
        p.tolerance = 9999;
        p.emergency_stretch =
            2 * (p.emergency_stretch > 0 ? p.emergency_stretch : b->opt->font_size);
        qr_line *sloppy = NULL;
        size_t m = qr_break_lines(bl->para.items, bl->para.n, bl->width, NULL, NULL, &p, &sloppy,
                                  NULL, b->err);
        if (m > 0 && !S_lines_overfull(sloppy, m)) {
            free(lines);
            lines = sloppy;
            n = m;
        } else {
            free(sloppy);
        }
    }
    if (n > 0 && S_lines_overfull(lines, n) && bl->node && bl->para.style.break_long == 0) {
        /* still too wide: a word longer than the measure. Rebuild the
         * paragraph with breaks inside long words and try once more. */
        qr_para_style st = bl->para.style;
        st.break_long = bl->width / 2;
        qr_para para;
        qr_para_build(b->fonts, bl->node, &st, b->opt, qr_node_effective_lang(b->doc, bl->node),
                      &para);
        qr_line *cut = NULL;
        size_t m =
            qr_break_lines(para.items, para.n, bl->width, NULL, NULL, &p, &cut, NULL, b->err);
        if (m > 0 && !S_lines_overfull(cut, m)) {
            qr_para_free(&bl->para);
            bl->para = para;
            free(lines);
            lines = cut;
            n = m;
        } else {
            qr_para_free(&para);
            free(cut);
        }
    }
    if (n == 0 && bl->para.n > 0) {
        free(lines);
        return -1;
    }
    free(bl->lines);
    bl->lines = lines;
    bl->n_lines = n;
    bl->looseness = looseness;
    return 0;
}

/* The worst badness of a paragraph's lines but its last (TeX §108). */
static int S_worst_badness(const pblock *bl)
{
    int worst = 0;
    for (size_t i = 0; i + 1 < bl->n_lines; i++)
        if (bl->lines[i].badness > worst)
            worst = bl->lines[i].badness;
    return worst;
}

/* Whether a paragraph re-broken to fix a page is worse than allowed: a line
 * wider than the measure, or much looser than the tolerance (five times its
 * badness) when the paragraph's own breaking had no such line: the
 * breaker's last passes take anything to reach a line count. */
static int S_rebreak_bad(const pb *b, const pblock *bl, int worst_before)
{
    if (S_lines_overfull(bl->lines, bl->n_lines))
        return 1;
    int limit = 5 * (int)b->opt->breaking.tolerance; /* 1000 by default: r below 2.2 */
    if (worst_before > limit)
        limit = worst_before;
    return S_worst_badness(bl) > limit;
}

static pblock *S_block(pb *b, int kind, const qr_node *node)
{
    if (b->n_blocks == b->cap_blocks) {
        b->cap_blocks = b->cap_blocks ? b->cap_blocks * 2 : 64;
        b->blocks = xrealloc(b->blocks, b->cap_blocks * sizeof *b->blocks);
    }
    pblock *bl = &b->blocks[b->n_blocks++];
    memset(bl, 0, sizeof *bl);
    bl->kind = kind;
    bl->node = node;
    bl->width = b->measure;
    return bl;
}

static void S_free_blocks(pb *b)
{
    for (size_t i = 0; i < b->n_blocks; i++) {
        qr_para_free(&b->blocks[i].para);
        free(b->blocks[i].lines);
    }
    b->n_blocks = 0;
}

/* Lines a block takes on the grid. */
static size_t S_height(const pblock *bl)
{
    return bl->kind == PB_BLANK || bl->kind == PB_BREAK ? 1 : bl->n_lines;
}

/* Collects the blocks of a container (a chapter or a block quote). */
static void S_collect_blocks(pb *b, const qr_node *parent, double left, double width,
                             int *indent_next)
{
    const qr_print_options *o = b->opt;
    for (const qr_node *n = qr_node_first_child(parent); n; n = qr_node_next(n)) {
        const char *lang = qr_node_effective_lang(b->doc, n);
        switch (qr_node_get_type(n)) {
        case QR_NODE_PARAGRAPH: {
            pblock *bl = S_block(b, PB_PARA, n);
            bl->left = left;
            bl->width = width;
            qr_para_style st = {.face = QR_FACE_REGULAR,
                                .size = o->font_size,
                                .indent = *indent_next ? o->font_size : 0,
                                .align = QR_ALIGN_JUSTIFY,
                                .hyphenate = 1};
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
            if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
                qr_para_free(&bl->para);
                b->n_blocks--;
                break;
            }
            *indent_next = 1;
            break;
        }
        case QR_NODE_HEADING: {
            if (qr_node_level(n) <= 1 && n == qr_chapter_heading(parent))
                break; /* the chapter's own title: set by the opening */
            if (b->n_blocks > 0)
                S_block(b, PB_BLANK, NULL);
            pblock *bl = S_block(b, PB_SUBHEAD, n);
            bl->left = left;
            bl->width = width;
            qr_para_style st = {.face = QR_FACE_ITALIC,
                                .size = o->font_size,
                                .indent = 0,
                                .align = QR_ALIGN_CENTER,
                                .hyphenate = 0};
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
            if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
                qr_para_free(&bl->para);
                b->n_blocks--;
                break;
            }
            qr_buf t = QR_BUF_INIT;
            qr_node_plain_text(n, &t);
            bl->node = n;
            qr_buf_release(&t);
            S_block(b, PB_BLANK, NULL);
            *indent_next = 0;
            break;
        }
        case QR_NODE_SCENE_BREAK:
            S_block(b, PB_BREAK, n);
            *indent_next = 0;
            break;
        case QR_NODE_BLOCK_QUOTE:
            S_block(b, PB_BLANK, NULL);
            *indent_next = 0;
            S_collect_blocks(b, n, left + 1.5 * o->font_size, width - 3 * o->font_size,
                             indent_next);
            S_block(b, PB_BLANK, NULL);
            *indent_next = 0;
            break;
        default: break;
        }
    }
}

/* Page filling ----------------------------------------------------------- */

typedef struct pos {
    size_t block, line;
} pos;

/* The first line that does not fit in `cap` grid lines from `at`. */
static pos S_fill(const pb *b, pos at, int cap)
{
    while (at.block < b->n_blocks && cap > 0) {
        size_t h = S_height(&b->blocks[at.block]);
        size_t left = h - at.line;
        if (left <= (size_t)cap) {
            cap -= (int)left;
            at.block++;
            at.line = 0;
        } else {
            at.line += (size_t)cap;
            cap = 0;
        }
    }
    return at;
}

/* What is wrong with ending a page just before `cut`: 0 nothing, 1 an
 * orphan, 2 a widow, 3 a stranded heading. */
static int S_bad_cut(const pb *b, pos start, pos cut)
{
    if (cut.block >= b->n_blocks)
        return 0;
    const pblock *bl = &b->blocks[cut.block];
    if (bl->kind == PB_PARA && bl->n_lines >= 2) {
        if (cut.line == 1 && !(start.block == cut.block && start.line == 0 && cut.line == 0))
            return 1;
        if (cut.line == bl->n_lines - 1)
            return 2;
    }
    if (bl->kind == PB_SUBHEAD && cut.line > 0)
        return 3; /* a heading split by the page */
    /* a heading (and the blank after it) ends the page */
    for (size_t k = cut.block; k > start.block && cut.line == 0;) {
        k--;
        int kind = b->blocks[k].kind;
        if (kind == PB_SUBHEAD)
            return 3;
        if (kind != PB_BLANK)
            break;
    }
    return 0;
}

/* Ends one page starting at `start` with `cap` lines: re-breaks paragraphs
 * to avoid a bad break, else ends it early. Returns the cut. */
static pos S_page_cut(pb *b, pos start, int cap)
{
    pos cut = S_fill(b, start, cap);
    int bad = S_bad_cut(b, start, cut);
    if (!bad)
        return cut;
    /* Re-break a paragraph on the page, nearest the cut first, one line
     * longer or shorter (lua-widow-control's approach). */
    size_t last = cut.line > 0 ? cut.block : (cut.block ? cut.block - 1 : 0);
    int tries = 0;
    for (size_t k = last + 1; k-- > start.block && tries < 12;) {
        pblock *bl = &b->blocks[k];
        if (bl->kind != PB_PARA || bl->looseness != 0 || (k == start.block && start.line > 0))
            continue;
        tries++;
        size_t before = bl->n_lines;
        int worst_before = S_worst_badness(bl);
        static const int tight_first[] = {-1, 1};
        for (int t = 0; t < 2; t++) {
            if (S_break(b, bl, tight_first[t]) < 0 || bl->n_lines == before ||
                S_rebreak_bad(b, bl, worst_before)) {
                S_break(b, bl, 0);
                continue;
            }
            pos c2 = S_fill(b, start, cap);
            if (!S_bad_cut(b, start, c2)) {
                b->lay->stats.rebroken++;
                return c2;
            }
            S_break(b, bl, 0);
        }
    }
    /* End the page early: move the orphan, the line before a widow, or the
     * heading to the next page. */
    if (bad == 1) {
        cut.line = 0;
    } else if (bad == 2) {
        cut.line = cut.line >= 2 ? cut.line - 1 : 0;
        if (cut.line == 1)
            cut.line = 0;
    } else {
        if (cut.line > 0)
            cut.line = 0;
        while (cut.block > start.block && (b->blocks[cut.block - 1].kind == PB_SUBHEAD ||
                                           b->blocks[cut.block - 1].kind == PB_BLANK))
            cut.block--;
    }
    if (cut.block == start.block && cut.line <= start.line) /* nothing would fit */
        return S_fill(b, start, cap);
    return cut;
}

/* Placing ------------------------------------------------------------------- */

static void S_stats_line(pb *b, const pblock *bl, size_t i, size_t *hyphen_run)
{
    qr_layout_stats *s = &b->lay->stats;
    const qr_line *ln = &bl->lines[i];
    int last = i + 1 == bl->n_lines;
    if (ln->overfull) {
        s->overfull++;
        if (ln->overflow > s->overflow_max)
            s->overflow_max = ln->overflow;
        int line_no;
        const char *file = bl->node ? qr_node_source(bl->node, &line_no) : NULL;
        qr_buf words = QR_BUF_INIT;
        for (size_t k = ln->start; k < ln->end && words.len < 60; k++) {
            const qr_item *it = &bl->para.items[k];
            if (it->type == QR_ITEM_BOX && it->user >= 0) {
                const qr_frag *fr = &bl->para.frags[it->user];
                qr_buf_add(&words, fr->shape->text + fr->b0, (size_t)(fr->b1 - fr->b0));
            } else if (it->type == QR_ITEM_GLUE) {
                qr_buf_addc(&words, ' ');
            }
        }
        qr_warn(file, file ? line_no : 0, 0, "overfull line, %.2f pt too wide: %s", ln->overflow,
                words.ptr);
        qr_buf_release(&words);
    }
    if (last) {
        s->last_lines++;
        *hyphen_run = 0;
        return;
    }
    s->lines++;
    double r = fabs(ln->ratio);
    s->ratio_sum_abs += r;
    if (r > 0.5)
        s->ratio_over_half++;
    if (r > 1)
        s->ratio_over_one++;
    if (r > s->ratio_max)
        s->ratio_max = r;
    if (ln->hyphenated) {
        s->hyphenated++;
        if (++*hyphen_run > s->hyphen_run_max)
            s->hyphen_run_max = *hyphen_run;
    } else {
        *hyphen_run = 0;
    }
}

/* The ornament of a scene break: the asterism when the book's face has it. */
static const char *S_ornament(pb *b)
{
    if (qr_fonts_has_char(b->fonts, 0x2042))
        return "\xE2\x81\x82";
    return "*\xE2\x80\x83*\xE2\x80\x83*";
}

/* Places a string centred (or from x when not centred) at baseline y. */
static double S_place_string(pb *b, qr_page *page, const char *text, int face, double size,
                             double x, double width, double y, int centred, int artifact)
{
    const qr_shape *shapes[16];
    int n = qr_fonts_shape_string(b->fonts, text, face, size, shapes, 16);
    double total = 0;
    for (int i = 0; i < n; i++)
        total += shapes[i]->width;
    double cx = centred ? x + (width - total) / 2 : x;
    for (int i = 0; i < n; i++) {
        qr_run *r = qr_page_add_run(page);
        r->x = cx;
        r->y = y;
        r->shape = shapes[i];
        r->g0 = 0;
        r->g1 = shapes[i]->glyphs->num_glyphs;
        r->b0 = 0;
        r->b1 = shapes[i]->len;
        r->artifact = (unsigned)artifact;
        cx += shapes[i]->width;
    }
    return total;
}

/*
 * Places a heading (node h) or a string (text, when h is NULL) centred on
 * a page from baseline y, broken to `width` of the measure, each line
 * `leading` times the size below the one before; returns the baseline
 * after the last line.
 */
static double S_place_centred(pb *b, qr_page *page, size_t page_index, const qr_node *h,
                              const char *text, int face, double size, double width, double leading,
                              double y)
{
    qr_para_style st = {.face = face, .size = size, .align = QR_ALIGN_CENTER};
    pblock bl;
    memset(&bl, 0, sizeof bl);
    bl.width = b->measure * width;
    if (h) {
        qr_para_build(b->fonts, h, &st, b->opt, qr_node_effective_lang(b->doc, h), &bl.para);
    } else {
        const qr_meta *m = qr_doc_meta_const(b->doc);
        qr_para_build_text(b->fonts, text, &st, b->opt, m->language ? m->language : "en", &bl.para);
    }
    if (bl.para.n > 0 && S_break(b, &bl, 0) == 0) {
        double left = S_left(b, page_index) + (b->measure - bl.width) / 2;
        for (size_t i = 0; i < bl.n_lines; i++) {
            size_t before = page->n_runs;
            qr_para_place_line(&bl.para, &bl.lines[i], 1, left, y, bl.width, page);
            for (size_t k = before; k < page->n_runs; k++)
                page->runs[k].body = 0;
            y += size * leading;
        }
    }
    qr_para_free(&bl.para);
    free(bl.lines);
    return y;
}

/* A chapter's or part's heading. */
static double S_place_heading(pb *b, qr_page *page, size_t page_index, const qr_node *h, int face,
                              double size, double y)
{
    return S_place_centred(b, page, page_index, h, NULL, face, size, 0.85, 1.3, y);
}

/* Text of the front matter, on the page being made. */
static double S_place_block(pb *b, qr_page *page, const char *text, int face, double size, double y)
{
    return S_place_centred(b, page, b->lay->n_pages - 1, NULL, text, face, size, 1, 1.25, y);
}

/* Grid lines between two positions. */
static int S_lines_between(const pb *b, pos from, pos to)
{
    int n = 0;
    while (from.block < to.block || (from.block == to.block && from.line < to.line)) {
        size_t h = S_height(&b->blocks[from.block]);
        size_t end = from.block < to.block ? h : to.line;
        n += (int)(end - from.line);
        from.block++;
        from.line = 0;
        if (from.block > to.block)
            break;
    }
    return n;
}

/* Blank lines do not begin a page. */
static pos S_skip_blanks(const pb *b, pos at)
{
    while (at.block < b->n_blocks && at.line == 0 && b->blocks[at.block].kind == PB_BLANK)
        at.block++;
    return at;
}

typedef struct plan {
    pos start, cut;
    int cap;   /* grid lines available */
    int first; /* grid row of the first line (a chapter opening starts lower) */
} plan;

/* Places the lines [start, cut) of a chapter on a page from grid row `row`. */
static void S_place_page(pb *b, qr_page *page, size_t pi, pos start, pos cut, int row,
                         size_t *hyphen_run)
{
    pos at = start;
    while (at.block < cut.block || (at.block == cut.block && at.line < cut.line)) {
        pblock *bl = &b->blocks[at.block];
        size_t end = at.block < cut.block ? S_height(bl) : cut.line;
        double x = S_left(b, pi) + bl->left;
        for (size_t i = at.line; i < end; i++, row++) {
            double y = b->y0 + row * b->opt->leading;
            if (bl->kind == PB_PARA || bl->kind == PB_SUBHEAD) {
                size_t before = page->n_runs;
                qr_para_place_line(&bl->para, &bl->lines[i], i + 1 == bl->n_lines, x, y, bl->width,
                                   page);
                if (bl->kind == PB_PARA) {
                    S_stats_line(b, bl, i, hyphen_run);
                } else {
                    for (size_t k = before; k < page->n_runs; k++)
                        page->runs[k].body = 0;
                    if (i == 0) {
                        qr_buf t = QR_BUF_INIT;
                        qr_node_plain_text(bl->node, &t);
                        S_outline(b, t.ptr, qr_node_level(bl->node) + 1, y - b->opt->font_size);
                        qr_buf_release(&t);
                    }
                }
            } else if (bl->kind == PB_BREAK) {
                S_place_string(b, page, S_ornament(b), QR_FACE_REGULAR, b->opt->font_size,
                               S_left(b, pi), b->measure, y, 1, 0);
            }
        }
        at.line = end;
        if (at.line >= S_height(bl)) {
            at.block++;
            at.line = 0;
        }
    }
    /* widows and orphans that could not be avoided */
    if (cut.block < b->n_blocks) {
        const pblock *bl = &b->blocks[cut.block];
        if (bl->kind == PB_PARA && bl->n_lines >= 2) {
            if (cut.line == 1)
                b->lay->stats.orphans++;
            else if (cut.line + 1 == bl->n_lines)
                b->lay->stats.widows++;
        }
    }
}

/*
 * Lays out the blocks collected for a chapter from grid row `first` of the
 * current page. First the pages are planned (where each ends), then placed.
 * A spread ends level: when a page must end early, its facing page ends on
 * the same line (a verso's recto is planned shorter; a recto's verso is
 * planned again).
 */
static void S_flow(pb *b, const char *chapter_title, int first)
{
    qr_layout *lay = b->lay;
    const int full = b->lines_per_page;
    size_t n = 0, cap_plans = 16;
    plan *pl = xmalloc(cap_plans * sizeof *pl);
    size_t first_index = lay->n_pages - 1; /* the page the chapter starts on */
    pos start = {0, 0};
    int cap = full - first, row0 = first, carry = 0;
    while (start.block < b->n_blocks) {
        if (cap <= 0) {
            cap = full - carry;
            row0 = 0;
            carry = 0;
        }
        if (n == cap_plans)
            pl = xrealloc(pl, (cap_plans *= 2) * sizeof *pl);
        plan *p = &pl[n];
        p->start = start;
        p->cap = cap;
        p->first = row0;
        p->cut = S_page_cut(b, start, cap);
        int used = S_lines_between(b, start, p->cut);
        int shortfall = cap - used;
        int more = S_skip_blanks(b, p->cut).block < b->n_blocks;
        if (shortfall > 0 && more && row0 == 0) {
            size_t index = first_index + n;
            if ((index - b->parity_base) % 2 == 1) {
                /* a verso ended early: its recto ends on the same line */
                carry = shortfall;
            } else if (n > 0 && pl[n - 1].first == 0 && pl[n - 1].cap == full) {
                /* a recto ended early: plan its verso as short, then it again */
                plan *v = &pl[n - 1];
                v->cap = full - shortfall;
                v->cut = S_page_cut(b, v->start, v->cap);
                p->start = S_skip_blanks(b, v->cut);
                p->cap = full - shortfall;
                p->cut = S_page_cut(b, p->start, p->cap);
            }
        }
        start = S_skip_blanks(b, p->cut);
        cap = 0;
        n++;
    }
    /* place them */
    size_t hyphen_run = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            S_new_page(b, chapter_title, 0);
        S_place_page(b, &lay->pages[lay->n_pages - 1], lay->n_pages - 1, pl[i].start, pl[i].cut,
                     pl[i].first, &hyphen_run);
        int more = S_skip_blanks(b, pl[i].cut).block < b->n_blocks;
        if (pl[i].first == 0 && more && S_lines_between(b, pl[i].start, pl[i].cut) < full)
            lay->stats.short_pages++;
        /* a full spread whose pages end on different lines */
        size_t index = lay->n_pages - 1;
        if (i > 0 && (index - b->parity_base) % 2 == 0 && pl[i - 1].first == 0 &&
            S_skip_blanks(b, pl[i].cut).block < b->n_blocks &&
            S_lines_between(b, pl[i - 1].start, pl[i - 1].cut) !=
                S_lines_between(b, pl[i].start, pl[i].cut))
            lay->stats.uneven_spreads++;
    }
    free(pl);
}

/* Chapters ------------------------------------------------------------------ */

static void S_chapter(pb *b, const qr_node *ch)
{
    const qr_print_options *o = b->opt;
    qr_layout *lay = b->lay;
    const qr_node *h = qr_chapter_heading(ch);
    qr_buf title = QR_BUF_INIT;
    if (h)
        qr_node_plain_text(h, &title);
    const char *t = h ? qr_arena_strdup(lay->arena, title.ptr) : NULL;
    qr_buf_release(&title);
    qr_chapter_kind kind = qr_node_chapter_kind(ch);

    /* a new page, on a recto where asked (and always for a part) */
    int recto = o->recto_chapters || kind == QR_CHAPTER_PART;
    if (recto && lay->n_pages % 2 == 1)
        S_new_page(b, NULL, 1); /* a blank verso */
    qr_page *page = S_new_page(b, t, 1);
    size_t pi = lay->n_pages - 1;
    int first = 0;
    if (kind == QR_CHAPTER_PART && h) {
        double y = b->opt->top + b->text_h / 3;
        S_outline(b, t, 1, y - o->font_size * 2);
        S_place_heading(b, page, pi, h, QR_FACE_REGULAR, o->font_size * 1.8, y);
        first = b->lines_per_page; /* the part's own page */
    } else if (h) {
        /* a sunk heading: its first baseline a fifth down the text block */
        int sink = b->lines_per_page / 5;
        double y = b->y0 + sink * o->leading;
        S_outline(b, t, qr_node_level(ch), y - o->font_size * 1.5);
        double after = S_place_heading(b, page, pi, h, QR_FACE_REGULAR, o->font_size * 1.45, y);
        first = (int)ceil((after - b->y0) / o->leading) + 1;
    } else {
        /* front or back matter without a title: the outline names it by its
         * first words */
        qr_buf w = QR_BUF_INIT;
        qr_node_plain_text(ch, &w);
        if (w.len > 48) {
            /* its first words, cut at a space, with an ellipsis */
            size_t cut = 48;
            while (cut > 0 && w.ptr[cut] != ' ')
                cut--;
            if (cut == 0) {
                cut = 48;
                while (cut > 0 && ((unsigned char)w.ptr[cut] & 0xC0) == 0x80)
                    cut--;
            }
            qr_buf_truncate(&w, cut);
            qr_buf_adds(&w, "\xE2\x80\xA6");
        }
        if (w.len)
            S_outline(b, w.ptr, qr_node_level(ch), b->y0 - o->font_size);
        qr_buf_release(&w);
    }
    int indent = 0;
    S_collect_blocks(b, ch, 0, b->measure, &indent);
    if (b->n_blocks > 0)
        S_flow(b, t, first);
    S_free_blocks(b);
}

/* Running heads and folios --------------------------------------------------- */

static void S_roman(int n, char *out, size_t size)
{
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    out[0] = '\0';
    for (size_t i = 0; i < QR_ARRAY_LEN(r); i++)
        while (n >= r[i].v && strlen(out) + 3 < size) {
            strcat(out, r[i].s);
            n -= r[i].v;
        }
}

static void S_heads_and_folios(pb *b, size_t first_body)
{
    const qr_print_options *o = b->opt;
    qr_layout *lay = b->lay;
    for (size_t i = 0; i < lay->n_pages; i++) {
        qr_page *p = &lay->pages[i];
        if (i < first_body) {
            S_roman((int)i + 1, p->folio, sizeof p->folio);
            p->number = 0;
        } else {
            p->number = (int)(i - first_body) + 1;
            snprintf(p->folio, sizeof p->folio, "%d", p->number);
        }
        if (b->opening[i] || p->n_runs == 0) {
            if (i >= first_body || p->n_runs == 0 || b->opening[i])
                continue;
        }
        int recto = i % 2 == 0;
        const char *head = recto ? b->page_chapter[i] : b->book_title;
        if (!head)
            head = b->book_title;
        double left = S_left(b, i);
        if (head && i >= first_body) {
            /* a long title is cut at a word, with an ellipsis */
            char cut[256];
            snprintf(cut, sizeof cut, "%s", head);
            size_t before = p->n_runs;
            double w = S_place_string(b, p, cut, QR_FACE_ITALIC, o->font_size * 0.9, left,
                                      b->measure, o->top - o->leading * 0.9, 1, 1);
            while (w > b->measure * 0.9) {
                p->n_runs = before;
                char *sp = strrchr(cut, ' ');
                if (!sp)
                    break;
                strcpy(sp, "\xE2\x80\xA6");
                /* strip the word the ellipsis now ends */
                w = S_place_string(b, p, cut, QR_FACE_ITALIC, o->font_size * 0.9, left, b->measure,
                                   o->top - o->leading * 0.9, 1, 1);
                if (w > b->measure * 0.9)
                    *strrchr(cut, ' ') = '\0';
            }
        }
        S_place_string(b, p, p->folio, QR_FACE_REGULAR, o->font_size * 0.9, left, b->measure,
                       o->page_h - o->bottom + o->leading * 1.6, 1, 1);
    }
}

/* Front matter ------------------------------------------------------------- */

static int S_count_contents(const qr_doc *doc)
{
    int n = 0;
    for (const qr_node *c = qr_node_first_child(qr_doc_root(doc)); c; c = qr_node_next(c))
        if (qr_node_get_type(c) == QR_NODE_CHAPTER)
            n++;
    return n;
}

/* The front matter, laid out after the body: half-title, title page and
 * contents, moved before the body pages. */
static size_t S_front_matter(pb *b, size_t body_pages)
{
    const qr_print_options *o = b->opt;
    qr_layout *lay = b->lay;
    const qr_meta *m = qr_doc_meta_const(b->doc);
    size_t start = lay->n_pages;
    b->parity_base = start; /* these pages will come first */
    /* half-title */
    qr_page *p = S_new_page(b, NULL, 1);
    S_place_block(b, p, b->book_title, QR_FACE_REGULAR, o->font_size * 1.45,
                  o->top + b->text_h / 4);
    S_new_page(b, NULL, 1);
    /* title page */
    p = S_new_page(b, NULL, 1);
    double y = S_place_block(b, p, b->book_title, QR_FACE_REGULAR, o->font_size * 2.2,
                             o->top + b->text_h / 4);
    if (m->subtitle)
        S_place_block(b, p, m->subtitle, QR_FACE_ITALIC, o->font_size * 1.3,
                      y + o->font_size * 0.8);
    y = o->top + b->text_h / 2;
    for (int i = 0; i < m->n_creators; i++) {
        /* authors by name alone; the others (MARC relators) say what they did */
        static const struct {
            const char *role, *prefix;
        } roles[] = {{"trl", "Translated by "}, {"edt", "Edited by "}, {"ill", "Illustrated by "}};
        const char *prefix = "";
        for (size_t k = 0; k < QR_ARRAY_LEN(roles) && m->creators[i].role; k++)
            if (strcmp(m->creators[i].role, roles[k].role) == 0)
                prefix = roles[k].prefix;
        char line[512];
        snprintf(line, sizeof line, "%s%s", prefix, m->creators[i].name);
        y = S_place_block(b, p, line, QR_FACE_REGULAR, o->font_size * 1.3, y) + o->font_size * 0.6;
    }
    if (m->publisher)
        S_place_block(b, p, m->publisher, QR_FACE_REGULAR, o->font_size,
                      o->top + b->text_h - o->leading);
    S_new_page(b, NULL, 1);
    /* contents: one line an entry, page numbers flush right, linked */
    int entries = S_count_contents(b->doc);
    if (entries > 1) {
        size_t n_out = lay->n_outline;
        int row = 2;
        p = S_new_page(b, NULL, 1);
        S_place_block(b, p, "Contents", QR_FACE_REGULAR, o->font_size * 1.45, b->y0);
        for (size_t i = 0; i < n_out; i++) {
            const qr_outline_item *it = &lay->outline[i];
            if (it->level > 2 || it->page < 0 || (size_t)it->page >= body_pages)
                continue;
            size_t pi = lay->n_pages - 1;
            double left = S_left(b, pi);
            double indent = (it->level - 1) * o->font_size * 1.5;
            char num[16];
            snprintf(num, sizeof num, "%d", it->page + 1);
            /* the title broken to the measure less room for the number,
             * ragged; the number flush right on its last line */
            qr_para_style st = {.face = QR_FACE_REGULAR,
                                .size = o->font_size,
                                .indent = 0,
                                .align = QR_ALIGN_LEFT,
                                .hyphenate = 1};
            pblock bl;
            memset(&bl, 0, sizeof bl);
            bl.width = b->measure - indent - o->font_size * 3;
            qr_para_build_text(
                b->fonts, it->title, &st, o,
                qr_doc_meta_const(b->doc)->language ? qr_doc_meta_const(b->doc)->language : "en",
                &bl.para);
            if (bl.para.n == 0 || S_break(b, &bl, 0) < 0) {
                qr_para_free(&bl.para);
                free(bl.lines);
                continue;
            }
            if (row + (int)bl.n_lines > b->lines_per_page) {
                p = S_new_page(b, NULL, 0);
                row = 0;
                pi = lay->n_pages - 1;
                left = S_left(b, pi);
            }
            size_t before = p->n_runs;
            double y_row = 0;
            for (size_t l = 0; l < bl.n_lines; l++) {
                y_row = b->y0 + row * o->leading;
                qr_para_place_line(&bl.para, &bl.lines[l], 1, left + indent, y_row, bl.width, p);
                row++;
            }
            qr_para_free(&bl.para);
            free(bl.lines);
            const qr_shape *ns[2];
            int nn = qr_fonts_shape_string(b->fonts, num, QR_FACE_REGULAR, o->font_size, ns, 2);
            double nw = 0;
            for (int k = 0; k < nn; k++)
                nw += ns[k]->width;
            S_place_string(b, p, num, QR_FACE_REGULAR, o->font_size, left + b->measure - nw, nw,
                           y_row, 0, 0);
            for (size_t k = before; k < p->n_runs; k++) {
                p->runs[k].body = 0;
                p->runs[k].link_page = it->page + 1; /* moved with the front matter */
                p->runs[k].link_y = it->y;
            }
        }
    }
    if ((lay->n_pages - start) % 2 == 1)
        S_new_page(b, NULL, 1);
    return lay->n_pages - start;
}

/* Moves the front pages [body_pages, n) before the body and renumbers
 * everything that refers to pages. */
static void S_rotate_front(pb *b, size_t body_pages)
{
    qr_layout *lay = b->lay;
    size_t n = lay->n_pages, front = n - body_pages;
    qr_page *pages = xmalloc(n * sizeof *pages);
    const char **pc = xmalloc(n * sizeof *pc);
    unsigned char *op = xmalloc(n);
    memcpy(pages, lay->pages + body_pages, front * sizeof *pages);
    memcpy(pages + front, lay->pages, body_pages * sizeof *pages);
    memcpy(pc, b->page_chapter + body_pages, front * sizeof *pc);
    memcpy(pc + front, b->page_chapter, body_pages * sizeof *pc);
    memcpy(op, b->opening + body_pages, front);
    memcpy(op + front, b->opening, body_pages);
    memcpy(lay->pages, pages, n * sizeof *pages);
    memcpy(b->page_chapter, pc, n * sizeof *pc);
    memcpy(b->opening, op, n);
    free(pages);
    free(pc);
    free(op);
    for (size_t i = 0; i < lay->n_outline; i++)
        lay->outline[i].page += (int)front;
    for (size_t i = 0; i < front; i++)
        for (size_t k = 0; k < lay->pages[i].n_runs; k++)
            if (lay->pages[i].runs[k].link_page > 0)
                lay->pages[i].runs[k].link_page += (int)front;
}

/* The book ------------------------------------------------------------------ */

qr_layout *qr_typeset(const qr_doc *doc, const qr_print_options *opt, qr_error *err)
{
    qr_layout *lay = xcalloc(1, sizeof *lay);
    lay->arena = qr_arena_new();
    lay->page_w = opt->page_w;
    lay->page_h = opt->page_h;
    pb b;
    memset(&b, 0, sizeof b);
    b.doc = doc;
    b.opt = opt;
    b.lay = lay;
    b.err = err;
    const qr_meta *m = qr_doc_meta_const(doc);
    b.fonts = qr_fonts_new(opt, m->language ? m->language : "en", err);
    if (!b.fonts)
        goto fail;
    lay->fonts = b.fonts;
    b.measure = opt->page_w - opt->inner - opt->outer;
    b.text_h = opt->page_h - opt->top - opt->bottom;
    if (b.measure < opt->font_size * 8 || b.text_h < opt->leading * 4) {
        qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                     "the margins leave no room for text (%.0f x %.0f pt)", b.measure, b.text_h);
        goto fail;
    }
    b.y0 = opt->top + opt->font_size;
    b.lines_per_page = (int)floor((b.text_h - opt->font_size) / opt->leading) + 1;
    b.book_title = m->title ? m->title : "Untitled";

    int total = S_count_contents(doc), done = 0;
    for (const qr_node *c = qr_node_first_child(qr_doc_root(doc)); c; c = qr_node_next(c)) {
        if (qr_node_get_type(c) != QR_NODE_CHAPTER)
            continue;
        S_chapter(&b, c);
        if (opt->progress)
            opt->progress(opt->progress_ctx, ++done, total);
    }
    size_t body = lay->n_pages;
    S_front_matter(&b, body);
    b.parity_base = 0;
    S_rotate_front(&b, body);
    S_heads_and_folios(&b, lay->n_pages - body);
    lay->stats.pages = lay->n_pages;
    free(b.page_chapter);
    free(b.opening);
    free(b.blocks);
    return lay;
fail:
    free(b.page_chapter);
    free(b.opening);
    free(b.blocks);
    qr_layout_free(lay);
    return NULL;
}

void qr_layout_free(qr_layout *lay)
{
    if (!lay)
        return;
    for (size_t i = 0; i < lay->n_pages; i++)
        free(lay->pages[i].runs);
    free(lay->pages);
    free(lay->outline);
    qr_fonts_free(lay->fonts);
    qr_arena_free(lay->arena);
    free(lay);
}

void qr_layout_stats_print(const qr_layout *lay, qr_buf *out)
{
    const qr_layout_stats *s = &lay->stats;
    double n = s->lines ? (double)s->lines : 1;
    qr_buf_addf(out, "pages: %zu\n", s->pages);
    qr_buf_addf(out, "lines: %zu justified, %zu paragraph ends\n", s->lines, s->last_lines);
    qr_buf_addf(out,
                "adjustment ratio: mean |r| %.3f, |r| > 0.5: %.1f%%, |r| > 1: %.1f%%, max %.2f\n",
                s->ratio_sum_abs / n, 100.0 * (double)s->ratio_over_half / n,
                100.0 * (double)s->ratio_over_one / n, s->ratio_max);
    qr_buf_addf(out, "hyphenated lines: %zu (%.1f%%), longest run %zu\n", s->hyphenated,
                100.0 * (double)s->hyphenated / n, s->hyphen_run_max);
    qr_buf_addf(out, "overfull lines: %zu (max %.2f pt)\n", s->overfull, s->overflow_max);
    qr_buf_addf(out, "widows: %zu, orphans: %zu\n", s->widows, s->orphans);
    qr_buf_addf(out, "paragraphs re-broken: %zu, pages ended early: %zu, uneven spreads: %zu\n",
                s->rebroken, s->short_pages, s->uneven_spreads);
}
