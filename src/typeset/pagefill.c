/*
 * pagefill.c: a chapter's blocks onto pages: grid lines filled, figures
 * floated, page cuts chosen against widows, orphans and lone ornaments,
 * footnotes placed, lines drawn as runs (step 3 of pages.c's outline).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagebuild.h"

/* Page filling ----------------------------------------------------------- */

/* Grid lines of header rows repeated atop a page that starts inside a
 * table. */
static int S_repeat_rows(const pb *b, pos start)
{
    if (start.block >= b->n_blocks)
        return 0;
    const pblock *bl = &b->blocks[start.block];
    if (bl->kind != PB_ROW || !bl->header_block)
        return 0;
    return (int)qr_pb_height(&b->blocks[bl->header_block - 1]);
}

/* Floats ------------------------------------------------------------------------
 *
 * A figure that does not fit in what is left of a page floats to the top
 * of a later page while the text after it fills this one (LaTeX's [tp]
 * floats). Figures keep their order: once one floats, every figure after
 * it floats too until the waiting ones are placed, so the figures waiting
 * at a page's start are all those in [fl, start.block). A page's text
 * from block `skip` on has its figures floated away (NO_FLOAT: none).
 */
#define NO_FLOAT ((size_t)-1)

/* Whether block k takes no line of a page whose figures from block `skip`
 * on float to a later page: such a figure, and the blank lines that set
 * it off. */
static int S_floated(const pb *b, size_t k, size_t skip)
{
    if (skip == NO_FLOAT || k >= b->n_blocks)
        return 0;
    int kind = b->blocks[k].kind;
    if (kind == PB_FIGURE)
        return k >= skip;
    if (kind != PB_BLANK)
        return 0;
    return (k + 1 < b->n_blocks && b->blocks[k + 1].kind == PB_FIGURE && k + 1 >= skip) ||
           (k > 0 && b->blocks[k - 1].kind == PB_FIGURE && k - 1 >= skip);
}

/* The first figure in blocks [from, to), or NO_FLOAT. */
static size_t S_first_figure(const pb *b, size_t from, size_t to)
{
    for (size_t k = from; k < to && k < b->n_blocks; k++)
        if (b->blocks[k].kind == PB_FIGURE)
            return k;
    return NO_FLOAT;
}

/* Whether block k is a blank line on a page (or takes none there). */
static int S_blank(const pb *b, size_t k, size_t skip)
{
    return b->blocks[k].kind == PB_BLANK || S_floated(b, k, skip);
}

/* The first line that does not fit in `cap` grid lines from `at`. Table
 * rows are not split, unless a row is the first thing on the page; a
 * figure that does not fit floats (lowering *skip to it). */
static pos S_fill(const pb *b, pos at, int cap, size_t *skip)
{
    pos start = at;
    cap -= S_repeat_rows(b, at);
    while (at.block < b->n_blocks && cap > 0) {
        const pblock *bl = &b->blocks[at.block];
        if (at.line == 0) {
            /* a figure, or the blank line before one: the figure floats
             * when it does not fit with that line */
            size_t f = bl->kind == PB_FIGURE ? at.block
                       : bl->kind == PB_BLANK && at.block + 1 < b->n_blocks &&
                               b->blocks[at.block + 1].kind == PB_FIGURE
                           ? at.block + 1
                           : NO_FLOAT;
            if (f != NO_FLOAT && f < *skip &&
                qr_pb_height(&b->blocks[f]) + (f - at.block) > (size_t)cap)
                *skip = f;
            if (S_floated(b, at.block, *skip)) {
                at.block++;
                continue;
            }
        }
        size_t h = qr_pb_height(bl);
        size_t left = h - at.line;
        int first = at.block == start.block && at.line == start.line;
        if (left > (size_t)cap && at.line == 0 && bl->kind == PB_ROW && !first)
            break;
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

/* The text block nearest before the blank lines before `k` (from `start`
 * on), or NO_FLOAT. */
static size_t S_text_before(const pb *b, size_t start, size_t k, size_t skip)
{
    while (k > start) {
        k--;
        if (!S_blank(b, k, skip))
            return k;
    }
    return NO_FLOAT;
}

/* The scene break whose ornament a cut before `cut` leaves alone at a
 * page's foot or head, or NO_FLOAT. */
static size_t S_lone_break(const pb *b, pos start, pos cut, size_t skip)
{
    if (cut.line > 0)
        return NO_FLOAT;
    size_t k = S_text_before(b, start.block, cut.block, skip);
    if (k != NO_FLOAT && b->blocks[k].kind == PB_BREAK && k > start.block)
        return k; /* at the foot */
    for (k = cut.block; k < b->n_blocks && S_blank(b, k, skip); k++)
        ;
    if (k < b->n_blocks && b->blocks[k].kind == PB_BREAK)
        return k; /* at the head of the next */
    return NO_FLOAT;
}

/* What is wrong with ending a page just before `cut`: 0 nothing, 1 an
 * orphan, 2 a widow, 3 a stranded heading, 4 a scene break's ornament
 * alone at the page's foot or the next one's head. */
static int S_bad_cut(const pb *b, pos start, pos cut, size_t skip)
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
        if (b->blocks[k].kind == PB_SUBHEAD)
            return 3;
        if (!S_blank(b, k, skip))
            break;
    }
    if (S_lone_break(b, start, cut, skip) != NO_FLOAT)
        return 4;
    return 0;
}

static int S_lines_between(const pb *b, pos from, pos to, size_t skip);

/* Grid lines a page may end early by to keep a scene break's ornament
 * with text on both sides: two lines and the blank line after them go
 * over with an ornament that would head the next page; one left at the
 * foot (four lines or more to move) stays, unless a paragraph re-broken
 * takes it over. Measured on Dracula's 228 breaks: 28 alone before, 10
 * with 3 (pages ended early 20 -> 38), 2 with no bound (59 pages). */
#define S_BREAK_COST 3

/* Ends one page starting at `start` with `cap` lines: re-breaks paragraphs
 * to avoid a bad break, else ends it early. Returns the cut; *skip as
 * S_fill. */
static pos S_page_cut(pb *b, pos start, int cap, size_t *skip)
{
    size_t skip0 = *skip;
    pos cut = S_fill(b, start, cap, skip);
    int bad = S_bad_cut(b, start, cut, *skip);
    if (!bad)
        return cut;
    /* Re-break a paragraph on the page, nearest the cut first, one line
     * longer or shorter (lua-widow-control's approach). */
    size_t last = cut.line > 0 ? cut.block : (cut.block ? cut.block - 1 : 0);
    int tries = 0;
    for (size_t k = last + 1; k-- > start.block && tries < 12;) {
        pblock *bl = &b->blocks[k];
        if (bl->kind != PB_PARA || bl->hang > 0 || bl->looseness != 0 ||
            (k == start.block && start.line > 0))
            continue;
        tries++;
        size_t before = bl->n_lines;
        int worst_before = qr_pb_worst_badness(bl);
        static const int tight_first[] = {-1, 1};
        for (int t = 0; t < 2; t++) {
            if (qr_pb_break(b, bl, tight_first[t]) < 0 || bl->n_lines == before ||
                qr_pb_rebreak_bad(b, bl, worst_before)) {
                qr_pb_break(b, bl, 0);
                continue;
            }
            size_t s2 = skip0;
            pos c2 = S_fill(b, start, cap, &s2);
            if (!S_bad_cut(b, start, c2, s2)) {
                b->lay->stats.rebroken++;
                *skip = s2;
                return c2;
            }
            qr_pb_break(b, bl, 0);
        }
    }
    /* End the page early: move the orphan, the line before a widow, or the
     * heading to the next page. */
    pos early = cut;
    if (bad == 1) {
        cut.line = 0;
    } else if (bad == 2) {
        cut.line = cut.line >= 2 ? cut.line - 1 : 0;
        if (cut.line == 1)
            cut.line = 0;
    } else if (bad == 3) {
        if (cut.line > 0)
            cut.line = 0;
        while (cut.block > start.block &&
               (b->blocks[cut.block - 1].kind == PB_SUBHEAD || S_blank(b, cut.block - 1, *skip)))
            cut.block--;
    }
    if (S_lone_break(b, start, cut, *skip) != NO_FLOAT) {
        /* the ornament goes over with the last two lines of the text
         * before it (or the whole of a short paragraph), when that ends
         * the page no more than S_BREAK_COST lines earlier */
        pos alone = cut;
        size_t k = S_text_before(b, start.block, S_lone_break(b, start, cut, *skip), *skip);
        if (k != NO_FLOAT) {
            const pblock *p = &b->blocks[k];
            cut.block = k;
            cut.line = p->kind == PB_PARA && p->n_lines >= 4 ? p->n_lines - 2 : 0;
        }
        if (k == NO_FLOAT || S_bad_cut(b, start, cut, *skip) ||
            (cut.block == start.block && cut.line <= start.line) ||
            S_lines_between(b, cut, alone, *skip) > S_BREAK_COST)
            cut = bad == 4 ? early : alone; /* unavoidable */
    }
    if (*skip != skip0 && *skip >= cut.block)
        *skip = skip0; /* the figure is on the next page's text now */
    if (cut.block == start.block && cut.line <= start.line) { /* nothing would fit */
        *skip = skip0;
        return S_fill(b, start, cap, skip);
    }
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
    if (ln->left > 0)
        s->protruded_left++;
    if (ln->right > 0)
        s->protruded_right++;
    if (ln->left > 0 || ln->right > 0)
        s->protruded++;
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
    if (ln->expansion != 0) {
        double e = fabs(ln->expansion);
        s->expanded++;
        s->expansion_sum += e;
        if (e > s->expansion_max)
            s->expansion_max = e;
    }
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
double qr_pb_place_string(pb *b, qr_page *page, const char *text, int face, double size, double x,
                          double width, double y, int centred, int artifact)
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
    st.note_first = h ? b->head_note : 0; /* its notes' calls */
    pblock bl;
    memset(&bl, 0, sizeof bl);
    bl.width = b->measure * width;
    if (h) {
        qr_para_build(b->fonts, h, &st, b->opt, qr_node_effective_lang(b->doc, h), &bl.para);
    } else {
        const qr_meta *m = qr_doc_meta_const(b->doc);
        qr_para_build_text(b->fonts, text, &st, b->opt, m->language ? m->language : "en", &bl.para);
    }
    if (bl.para.n > 0 && qr_pb_break(b, &bl, 0) == 0) {
        double left = qr_pb_left(b, page_index) + (b->measure - bl.width) / 2;
        unsigned group = ++b->group;
        for (size_t i = 0; i < bl.n_lines; i++) {
            size_t before = page->n_runs;
            qr_para_place_line(&bl.para, &bl.lines[i], 1, left, y, bl.width, page);
            for (size_t k = before; k < page->n_runs; k++) {
                qr_run *r = &page->runs[k];
                r->body = 0;
                r->block = h; /* a heading; else a line of the front matter */
                r->role = h ? QR_ROLE_NONE : QR_ROLE_FRONT;
                r->group = group;
            }
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
double qr_pb_place_block(pb *b, qr_page *page, const char *text, int face, double size, double y)
{
    return S_place_centred(b, page, b->lay->n_pages - 1, NULL, text, face, size, 1, 1.25, y);
}

double qr_pb_place_para_centred(pb *b, qr_page *page, const qr_node *para, double size, double y)
{
    return S_place_centred(b, page, b->lay->n_pages - 1, para, NULL, QR_FACE_REGULAR, size, 0.85,
                           1.25, y);
}

/* Grid lines between two positions (figures floated from `skip` on take
 * none). */
static int S_lines_between(const pb *b, pos from, pos to, size_t skip)
{
    int n = 0;
    while (from.block < to.block || (from.block == to.block && from.line < to.line)) {
        size_t h = qr_pb_height(&b->blocks[from.block]);
        size_t end = from.block < to.block ? h : to.line;
        if (!S_floated(b, from.block, skip))
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

/* The highest note number that line l of a paragraph calls, or 0. */
static int S_line_note(const qr_para *p, const qr_line *l)
{
    int note = 0;
    for (size_t i = l->start; i < l->end && i < p->n; i++) {
        const qr_item *it = &p->items[i];
        if (it->type == QR_ITEM_BOX && it->user >= 0 && p->frags[it->user].note > note)
            note = p->frags[it->user].note;
    }
    return note;
}

/* The footnote lines needed to the end of the last note that a line in
 * [start, cut) calls; at least `pend`. */
static size_t S_fn_needed(const pb *b, pos start, pos cut, size_t pend)
{
    if (b->n_notes == 0)
        return pend;
    int last = 0;
    for (size_t k = start.block; k <= cut.block && k < b->n_blocks; k++) {
        const pblock *bl = &b->blocks[k];
        size_t l0 = k == start.block ? start.line : 0;
        size_t l1 = k == cut.block ? cut.line : qr_pb_height(bl);
        for (size_t l = l0; l < l1; l++) {
            if ((bl->kind == PB_PARA || bl->kind == PB_SUBHEAD) && l < bl->n_lines) {
                int nt = S_line_note(&bl->para, &bl->lines[l]);
                if (nt > last)
                    last = nt;
            }
            for (size_t c = 0; c < bl->n_cells; c++) {
                const pblock *cell = &bl->cells[c];
                if (l < cell->n_lines) {
                    int nt = S_line_note(&cell->para, &cell->lines[l]);
                    if (nt > last)
                        last = nt;
                }
            }
        }
    }
    if (last > 0 && (size_t)last <= b->n_notes && b->note_end[last - 1] > pend)
        return b->note_end[last - 1];
    return pend;
}

/* Grid lines a planned page fills: its figures at the top, its text,
 * repeated table headers and footnotes. */
static int S_page_rows(const pb *b, const plan *p)
{
    return p->fl_rows + S_lines_between(b, p->start, p->cut, p->skip) + S_repeat_rows(b, p->start) +
           qr_pb_fn_rows(b, p->fn_to - p->fn_from);
}

/* Grid lines a planned page's figures and text take. */
static int S_body_rows(const pb *b, const plan *p)
{
    return p->fl_rows + S_lines_between(b, p->start, p->cut, p->skip);
}

/* Grid lines a figure at a page's top takes, with the blank line under it
 * (none when it fills the page). */
static int S_top_rows(const pb *b, size_t k, int cap)
{
    int h = (int)qr_pb_height(&b->blocks[k]) + 1;
    return h > cap ? cap : h;
}

/* The figures that top a page: the waiting ones, in order, while they fit
 * (the first always on an empty page: a figure as tall as the page has
 * one of its own). While some still wait, the text's figures wait too. */
static void S_plan_floats(const pb *b, plan *p)
{
    p->fl_to = p->fl_from;
    p->fl_rows = 0;
    p->skip = NO_FLOAT;
    if (p->fl_from == NO_FLOAT)
        return;
    for (size_t k = p->fl_from; k < p->start.block; k++) {
        if (b->blocks[k].kind != PB_FIGURE)
            continue;
        int h = S_top_rows(b, k, p->cap - p->fl_rows);
        int empty = p->fl_rows == 0 && (p->cap >= b->lines_per_page ||
                                        S_skip_blanks(b, p->start).block >= b->n_blocks);
        if (!empty && p->fl_rows + (int)qr_pb_height(&b->blocks[k]) + 1 > p->cap)
            break;
        p->fl_rows += h;
        p->fl_to = k + 1;
    }
    if (S_first_figure(b, p->fl_to, p->start.block) != NO_FLOAT)
        p->skip = p->start.block;
}

/* The first figure waiting after a planned page, or NO_FLOAT. */
static size_t S_next_float(const pb *b, const plan *p)
{
    if (p->fl_from != NO_FLOAT && S_first_figure(b, p->fl_to, p->start.block) != NO_FLOAT)
        return p->fl_to;
    if (p->skip != NO_FLOAT && S_first_figure(b, p->skip, p->cut.block) != NO_FLOAT)
        return p->skip;
    return NO_FLOAT;
}

/*
 * Plans a page: the figures at its top, where its text ends and which
 * footnote lines stand at its foot. The notes called on the page go with
 * it (the text ends early to make room: TeX's \insert); only when a note
 * cannot fit, even after the line calling it, is it split and the rest
 * carried to the next page (\vsplit). Returns the footnote lines that
 * must be set by the end of the next page.
 */
static size_t S_plan(pb *b, plan *p)
{
    S_plan_floats(b, p);
    int cap = p->cap - p->fl_rows;
    size_t skip0 = p->skip;
    if (cap <= 0) {
        p->cut = p->start;
        p->fn_to = p->fn_from;
        return p->fn_pend;
    }
    /* lines of a note split on an earlier page come first, in at most half
     * the page; while some are still owed, notes called here wait */
    size_t owed = p->fn_pend - p->fn_from, carried = 0;
    while (carried < owed && qr_pb_fn_rows(b, carried + 1) <= cap / 2)
        carried++;
    if (carried < owed) {
        int c = cap - qr_pb_fn_rows(b, carried);
        p->cut = S_page_cut(b, p->start, c < 1 ? 1 : c, &p->skip);
        p->fn_to = p->fn_from + carried;
        return S_fn_needed(b, p->start, p->cut, p->fn_pend);
    }
    /* the text gives up lines to its notes, down to half the page; a note
     * that still does not fit is split there */
    int c = cap, floor = cap / 2 > 1 ? cap / 2 : 1;
    for (;;) {
        p->skip = skip0;
        p->cut = S_page_cut(b, p->start, c, &p->skip);
        size_t need = S_fn_needed(b, p->start, p->cut, p->fn_pend);
        int used = S_lines_between(b, p->start, p->cut, p->skip) + S_repeat_rows(b, p->start);
        int rows = qr_pb_fn_rows(b, need - p->fn_from);
        if (used + rows <= cap || c <= floor) {
            size_t fit = p->fn_from;
            while (fit < need && used + qr_pb_fn_rows(b, fit + 1 - p->fn_from) <= cap)
                fit++;
            p->fn_to = fit;
            return need;
        }
        int nc = cap - rows;
        c = nc < c ? (nc < floor ? floor : nc) : c - 1;
    }
}

/*
 * Names the block that runs [from, n_runs) of a page belong to, for the
 * structure tree (pdf.c); in a paragraph that calls notes, a note's
 * number (the typesetter's text, src NULL) gets its role and its NOTE.
 */
static void S_mark_runs(pb *b, qr_page *page, size_t from, const qr_node *block,
                        const qr_para *para)
{
    for (size_t k = from; k < page->n_runs; k++) {
        qr_run *r = &page->runs[k];
        r->block = block;
        if (r->src || !para || para->style.note_first <= 0)
            continue;
        /* runs come in the order of their fragments: the search starts
         * where the last one ended (else a paragraph calling 50,000 notes
         * took the square of that) */
        size_t nf = para->n_frags;
        size_t start = b->mark_para == para && b->mark_frag < nf ? b->mark_frag : 0;
        for (size_t i = 0; i < nf; i++) {
            size_t f = start + i < nf ? start + i : start + i - nf;
            const qr_frag *fr = &para->frags[f];
            if (fr->note > 0 && fr->shape == r->shape && fr->g0 == r->g0 && fr->b0 == r->b0) {
                r->role = QR_ROLE_NOTE_CALL;
                if ((size_t)fr->note <= b->n_note_nodes)
                    r->ref = b->note_nodes[fr->note - 1];
                b->mark_para = para;
                b->mark_frag = f;
                break;
            }
        }
    }
}

/* Sets footnote lines [from, to) at the foot of a page, the last on the
 * grid's last line, under a short rule. */
static void S_place_notes(pb *b, qr_page *page, size_t pi, size_t from, size_t to)
{
    if (to <= from)
        return;
    double bottom = b->y0 + (b->lines_per_page - 1) * b->opt->leading;
    double x = qr_pb_left(b, pi);
    double top = bottom - (double)(to - 1 - from) * b->fn_leading;
    qr_page_add_gfx(page, QR_GFX_RULE, x, top - b->fn_size - b->opt->leading * 0.3,
                    b->measure * 0.3, 0.4);
    for (size_t k = from; k < to; k++) {
        const fnline *l = &b->fnl[k];
        const pblock *np = &b->fn[l->para];
        double y = bottom - (double)(to - 1 - k) * b->fn_leading;
        size_t before = page->n_runs;
        qr_para_place_line(&np->para, &np->lines[l->line], l->line + 1 == np->n_lines, x, y,
                           np->width, page);
        S_mark_runs(b, page, before, np->node, &np->para);
    }
}

/* Places the lines [start, cut) of a chapter on a page from grid row `row`. */
/* A list item's marker, flush right in the indent before x. */
static void S_place_marker(pb *b, qr_page *page, size_t pi, const char *marker, double x, double y,
                           const qr_node *block)
{
    const qr_shape *sh[4];
    int n = qr_fonts_shape_string(b->fonts, marker, QR_FACE_REGULAR, b->opt->font_size, sh, 4);
    double w = 0;
    for (int k = 0; k < n; k++)
        w += sh[k]->width;
    double mx = x - w - b->opt->font_size * 0.45;
    if (mx < qr_pb_left(b, pi))
        mx = qr_pb_left(b, pi); /* never into the margin */
    size_t before = page->n_runs;
    qr_pb_place_string(b, page, marker, QR_FACE_REGULAR, b->opt->font_size, mx, w, y, 0, 0);
    for (size_t k = before; k < page->n_runs; k++) {
        page->runs[k].role = QR_ROLE_LABEL;
        page->runs[k].block = block;
    }
}

/* A table rule (booktabs: heavier above and at the end) across a row. */
static void S_row_rule(pb *b, qr_page *page, size_t pi, const pblock *bl, double y, double weight)
{
    if (bl->n_cells == 0)
        return;
    double x0 = qr_pb_left(b, pi) + bl->cells[0].left;
    const pblock *lc = &bl->cells[bl->n_cells - 1];
    double x1 = qr_pb_left(b, pi) + lc->left + lc->width;
    qr_page_add_gfx(page, QR_GFX_RULE, x0, y, x1 - x0, weight);
}

/* Grid line i of a table row at baseline y. */
static void S_place_row_line(pb *b, qr_page *page, size_t pi, const pblock *bl, size_t i, double y,
                             int first_on_page)
{
    const qr_print_options *o = b->opt;
    for (size_t k = 0; k < bl->n_cells; k++) {
        const pblock *c = &bl->cells[k];
        if (i < c->n_lines) {
            size_t before = page->n_runs;
            qr_para_place_line(&c->para, &c->lines[i], i + 1 == c->n_lines,
                               qr_pb_left(b, pi) + c->left, y, c->width, page);
            S_mark_runs(b, page, before, c->node, &c->para);
        }
    }
    if (i == 0 && (bl->rule_above || (first_on_page && bl->header)))
        S_row_rule(b, page, pi, bl, y - o->font_size * 0.95, 0.8);
    if (i + 1 == bl->n_lines && bl->rule_below)
        S_row_rule(b, page, pi, bl, y + o->leading * 0.32, bl->header ? 0.4 : 0.8);
}

/* Grid line i of a figure at baseline y: the image on its first, then the
 * caption's lines. A figure floated past the start of block `after` (a
 * top-level block of the chapter) is read after it in the structure tree. */
static void S_place_figure_line(pb *b, qr_page *page, size_t pi, const pblock *bl, size_t i,
                                double y, const qr_node *after)
{
    if (i == 0) {
        double top = y - b->opt->font_size * 0.72;
        double span = (double)(bl->img_rows - 1) * b->opt->leading + b->opt->font_size;
        qr_graphic *g =
            qr_page_add_gfx(page, QR_GFX_IMAGE, qr_pb_left(b, pi) + (b->measure - bl->img_w) / 2,
                            top + (span - bl->img_h) / 2, bl->img_w, bl->img_h);
        g->image = bl->image;
        g->node = bl->node;
        g->after = after;
    }
    if (i >= bl->img_rows && i - bl->img_rows < bl->n_lines) {
        size_t before = page->n_runs;
        size_t l = i - bl->img_rows;
        qr_para_place_line(&bl->para, &bl->lines[l], 1, qr_pb_left(b, pi) + bl->left, y, bl->width,
                           page);
        for (size_t k = before; k < page->n_runs; k++) {
            page->runs[k].body = 0;
            page->runs[k].block = bl->node;
            page->runs[k].role = QR_ROLE_CAPTION;
            page->runs[k].ref = after;
        }
    }
}

/* The top-level block of the chapter that holds node n. */
static const qr_node *S_top_block(const qr_node *n)
{
    for (const qr_node *up = qr_node_parent(n); up && qr_node_get_type(up) != QR_NODE_CHAPTER;
         up = qr_node_parent(up))
        n = up;
    return n;
}

/* The top-level block of the chapter that a page starting at `start`
 * begins inside (a paragraph, table, list or quotation going on from the
 * page before), or NULL. */
static const qr_node *S_going_on(const pb *b, pos start)
{
    if (start.block >= b->n_blocks || !b->blocks[start.block].node)
        return NULL;
    const qr_node *top = S_top_block(b->blocks[start.block].node);
    if (start.line > 0)
        return top;
    for (size_t k = start.block; k-- > 0;) {
        if (b->blocks[k].node)
            return S_top_block(b->blocks[k].node) == top ? top : NULL;
    }
    return NULL;
}

static void S_place_page(pb *b, qr_page *page, size_t pi, const plan *p, size_t *hyphen_run)
{
    pos start = p->start, cut = p->cut, at = start;
    int row = p->first;
    /* the figures that float to its top */
    const qr_node *after = S_going_on(b, start);
    for (size_t k = p->fl_from; p->fl_from != NO_FLOAT && k < p->fl_to; k++) {
        const pblock *f = &b->blocks[k];
        if (f->kind != PB_FIGURE)
            continue;
        int rows = S_top_rows(b, k, b->lines_per_page - row);
        for (size_t i = 0; i < qr_pb_height(f); i++)
            S_place_figure_line(b, page, pi, f, i, b->y0 + (row + (int)i) * b->opt->leading, after);
        row += rows;
        b->lay->stats.floats++;
    }
    int repeat = S_repeat_rows(b, start);
    if (repeat > 0) {
        /* a table goes on: its header rows again */
        const pblock *h = &b->blocks[b->blocks[start.block].header_block - 1];
        size_t before = page->n_runs;
        for (size_t i = 0; i < h->n_lines; i++, row++)
            S_place_row_line(b, page, pi, h, i, b->y0 + row * b->opt->leading, 1);
        for (size_t k = before; k < page->n_runs; k++)
            page->runs[k].artifact = 1; /* repeated: not the text again */
    }
    while (at.block < cut.block || (at.block == cut.block && at.line < cut.line)) {
        pblock *bl = &b->blocks[at.block];
        if (S_floated(b, at.block, p->skip)) {
            at.block++;
            continue;
        }
        size_t end = at.block < cut.block ? qr_pb_height(bl) : cut.line;
        double x = qr_pb_left(b, pi) + bl->left;
        for (size_t i = at.line; i < end; i++, row++) {
            double y = b->y0 + row * b->opt->leading;
            if (i == 0 && bl->marker[0])
                S_place_marker(b, page, pi, bl->marker, x, y, bl->node);
            if (bl->kind == PB_CODE) {
                double hx = i > 0 ? bl->hang : 0;
                size_t before = page->n_runs;
                qr_para_place_line(&bl->para, &bl->lines[i], 1, x + hx, y, bl->width - hx, page);
                S_mark_runs(b, page, before, bl->node, NULL);
                if (i > 0) /* a continuation: a mark in the hang */
                    qr_page_add_gfx(page, QR_GFX_CONT, x + bl->hang * 0.2,
                                    y - bl->para.style.size * 0.6, bl->hang * 0.6,
                                    bl->para.style.size * 0.6);
            } else if (bl->kind == PB_ROW) {
                S_place_row_line(b, page, pi, bl, i, y, row == 0);
            } else if (bl->kind == PB_FIGURE) {
                S_place_figure_line(b, page, pi, bl, i, y, NULL);
            } else if (bl->kind == PB_PARA || bl->kind == PB_SUBHEAD) {
                size_t before = page->n_runs;
                double hx = i > 0 ? bl->hang : 0; /* a turned verse line hangs */
                qr_para_place_line(&bl->para, &bl->lines[i], i + 1 == bl->n_lines, x + hx, y,
                                   bl->width - hx, page);
                S_mark_runs(b, page, before, bl->node, &bl->para);
                if (bl->kind == PB_PARA) {
                    S_stats_line(b, bl, i, hyphen_run);
                } else {
                    for (size_t k = before; k < page->n_runs; k++)
                        page->runs[k].body = 0;
                    if (i == 0) {
                        qr_buf t = QR_BUF_INIT;
                        qr_node_plain_text(bl->node, &t);
                        qr_pb_outline(b, t.ptr, qr_node_level(bl->node) + 1, y - b->opt->font_size);
                        qr_buf_release(&t);
                    }
                }
            } else if (bl->kind == PB_BREAK) {
                /* an ornament: an artifact, as a rule would be */
                qr_pb_place_string(b, page, S_ornament(b), QR_FACE_REGULAR, b->opt->font_size,
                                   qr_pb_left(b, pi), b->measure, y, 1, 1);
            }
        }
        at.line = end;
        if (at.line >= qr_pb_height(bl)) {
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

/* Whether text or figures are left after a planned page. */
static int S_more(const pb *b, const plan *p)
{
    return S_skip_blanks(b, p->cut).block < b->n_blocks || S_next_float(b, p) != NO_FLOAT;
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
    /* the page the chapter's text starts on: the next one when the first
     * is full (a part's own page, with text under the part heading) */
    size_t first_index = lay->n_pages - 1 + (first >= full);
    pos start = {0, 0};
    /* the notes the heading calls are owed from the first page */
    size_t fn_from = 0, fn_pend = b->head_fnl, fl = NO_FLOAT;
    int cap = full - first, row0 = first, carry = 0;
    /* a chapter's end flushes the figures still waiting */
    while (start.block < b->n_blocks || fn_from < b->n_fnl || fl != NO_FLOAT) {
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
        p->fn_from = fn_from;
        p->fn_pend = fn_pend;
        p->fl_from = fl;
        size_t pend = S_plan(b, p);
        int used = S_page_rows(b, p);
        int shortfall = cap - used;
        int more = S_skip_blanks(b, p->cut).block < b->n_blocks;
        /* a page with footnotes ends on the grid's last line: its facing
         * page cannot be evened with it by ending early (nor a page of
         * figures left at the chapter's end) */
        if (shortfall > 0 && more && row0 == 0 && used > 0 && p->fn_to == p->fn_from) {
            size_t index = first_index + n;
            if ((index - b->parity_base) % 2 == 1) {
                /* a verso ended early: its recto ends on the same line */
                carry = shortfall;
            } else if (n > 0 && pl[n - 1].first == 0 && pl[n - 1].cap == full &&
                       pl[n - 1].fn_to == pl[n - 1].fn_from) {
                /* a recto ended early: plan its verso as short, then it again */
                plan *v = &pl[n - 1];
                v->cap = full - shortfall;
                size_t vpend = S_plan(b, v);
                p->start = S_skip_blanks(b, v->cut);
                p->fn_from = v->fn_to;
                p->fn_pend = vpend;
                p->fl_from = S_next_float(b, v);
                p->cap = full - shortfall;
                pend = S_plan(b, p);
            }
        }
        pos next = S_skip_blanks(b, p->cut);
        if (next.block == start.block && next.line == start.line && p->fn_to == fn_from &&
            p->fl_to == p->fl_from && cap >= full)
            break; /* no progress on a whole page: cannot happen, but never loop */
        start = next;
        fl = S_next_float(b, p);
        fn_from = p->fn_to;
        fn_pend = pend;
        cap = 0;
        n++;
    }
    /* place them */
    size_t hyphen_run = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 || first >= full)
            qr_pb_new_page(b, chapter_title, 0);
        S_place_page(b, &lay->pages[lay->n_pages - 1], lay->n_pages - 1, &pl[i], &hyphen_run);
        S_place_notes(b, &lay->pages[lay->n_pages - 1], lay->n_pages - 1, pl[i].fn_from,
                      pl[i].fn_to);
        if (pl[i].first == 0 && S_more(b, &pl[i]) && S_page_rows(b, &pl[i]) < full)
            lay->stats.short_pages++;
        /* a full spread whose pages end on different lines */
        size_t index = lay->n_pages - 1;
        if (i > 0 && (index - b->parity_base) % 2 == 0 && pl[i - 1].first == 0 &&
            S_more(b, &pl[i]) && S_body_rows(b, &pl[i - 1]) != S_body_rows(b, &pl[i]))
            lay->stats.uneven_spreads++;
    }
    free(pl);
}

/* Chapters ------------------------------------------------------------------ */

void qr_pb_chapter(pb *b, const qr_node *ch)
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
    /* the book's own title page is set as the title page (pagefront.c):
     * its chapter opens with what follows it, if anything */
    if (b->tp_first && qr_node_parent(b->tp_first) == ch && !qr_node_next(b->tp_last))
        return;

    /* a new page, on a recto where asked (and always for a part) */
    int recto = o->recto_chapters || kind == QR_CHAPTER_PART;
    if (recto && lay->n_pages % 2 == 1)
        qr_pb_new_page(b, NULL, 1); /* a blank verso */
    qr_page *page = qr_pb_new_page(b, t, 1);
    size_t pi = lay->n_pages - 1;
    int first = 0;
    /* the blocks first: the heading's notes are numbered before the text's */
    qr_pb_collect_blocks(b, ch);
    if (kind == QR_CHAPTER_PART && h) {
        double y = b->opt->top + b->text_h / 3;
        qr_pb_outline(b, t, 1, y - o->font_size * 2);
        S_place_heading(b, page, pi, h, QR_FACE_REGULAR, o->font_size * 1.8, y);
        first = b->lines_per_page; /* the part's own page */
    } else if (h) {
        /* a sunk heading: its first baseline a fifth down the text block */
        int sink = b->lines_per_page / 5;
        double y = b->y0 + sink * o->leading;
        qr_pb_outline(b, t, qr_node_level(ch), y - o->font_size * 1.5);
        double after = S_place_heading(b, page, pi, h, QR_FACE_REGULAR, o->font_size * 1.45, y);
        first = (int)ceil((after - b->y0) / o->leading) + 1;
    } else {
        /* front or back matter without a title: the outline names it by its
         * first words */
        qr_buf w = QR_BUF_INIT;
        const qr_node *c = qr_node_first_child(ch);
        if (b->tp_first && qr_node_parent(b->tp_first) == ch)
            c = qr_node_next(b->tp_last); /* past the title page */
        for (; c && w.len <= 48; c = qr_node_next(c)) {
            if (w.len)
                qr_buf_addc(&w, ' ');
            qr_node_plain_text(c, &w);
        }
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
            qr_pb_outline(b, w.ptr, qr_node_level(ch), b->y0 - o->font_size);
        qr_buf_release(&w);
    }
    if (b->n_blocks > 0)
        S_flow(b, t, first);
    qr_pb_free_blocks(b);
}
