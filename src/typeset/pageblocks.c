/*
 * pageblocks.c: a chapter's blocks for the page builder: paragraphs broken
 * into lines, footnotes, tables, figures and code, collected from the
 * document tree (step 2 of pages.c's outline).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutcache.h"
#include "pagebuild.h"

/* Pages ----------------------------------------------------------------- */

qr_page *qr_pb_new_page(pb *b, const char *chapter, int opening)
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
double qr_pb_left(const pb *b, size_t page_index)
{
    return (page_index - b->parity_base) % 2 == 0 ? b->opt->inner : b->opt->outer;
}

void qr_pb_outline(pb *b, const char *title, int level, double y)
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
/* A code line's measure: its continuations are hung. */
static double S_hang_width(size_t line, void *ctx)
{
    const pblock *bl = ctx;
    return line == 0 ? bl->width : bl->width - bl->hang;
}

int qr_pb_break(pb *b, pblock *bl, int looseness)
{
    if (qr_lc_lines_get(b, bl, looseness)) /* an earlier build's (quire watch) */
        return 0;
    int rebuilt = 0;
    qr_break_params p = b->opt->breaking;
    p.looseness = looseness;
    if (bl->para.style.align != QR_ALIGN_JUSTIFY)
        p.tolerance = 10000; /* ragged: any spacing is fine */
    qr_line *lines = NULL;
    if (bl->hang > 0) {
        p.uniform_from = 1;
        size_t n = qr_break_lines(bl->para.items, bl->para.n, bl->width, S_hang_width, bl, &p,
                                  &lines, NULL, b->err);
        if (n == 0) {
            free(lines);
            return -1;
        }
        free(bl->lines);
        bl->lines = lines;
        bl->n_lines = n;
        return 0;
    }
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
            rebuilt = 1;
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
    if (!rebuilt)
        qr_lc_lines_put(b, bl, looseness);
    return 0;
}

/* The worst badness of a paragraph's lines but its last (TeX §108). */
int qr_pb_worst_badness(const pblock *bl)
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
int qr_pb_rebreak_bad(const pb *b, const pblock *bl, int worst_before)
{
    if (S_lines_overfull(bl->lines, bl->n_lines))
        return 1;
    int limit = 5 * (int)b->opt->breaking.tolerance; /* 1000 by default: r below 2.2 */
    if (worst_before > limit)
        limit = worst_before;
    return qr_pb_worst_badness(bl) > limit;
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

void qr_pb_free_blocks(pb *b)
{
    for (size_t i = 0; i < b->n_blocks; i++) {
        qr_para_free(&b->blocks[i].para);
        free(b->blocks[i].lines);
        for (size_t k = 0; k < b->blocks[i].n_cells; k++) {
            qr_para_free(&b->blocks[i].cells[k].para);
            free(b->blocks[i].cells[k].lines);
        }
        free(b->blocks[i].cells);
    }
    b->n_blocks = 0;
    for (size_t i = 0; i < b->n_fn; i++) {
        qr_para_free(&b->fn[i].para);
        free(b->fn[i].lines);
    }
    b->n_fn = 0;
    b->n_fnl = 0;
    b->n_notes = 0;
    b->n_note_nodes = 0;
    b->head_note = 0;
    b->head_fnl = 0;
    b->mark_para = NULL; /* the chapter's paragraphs are freed: their addresses come again */
}

/* Lines a block takes on the grid. */
size_t qr_pb_height(const pblock *bl)
{
    if (bl->kind == PB_FIGURE)
        return bl->img_rows + bl->n_lines;
    return bl->kind == PB_BLANK || bl->kind == PB_BREAK ? 1 : bl->n_lines;
}

/* Footnotes ------------------------------------------------------------------ */

/* Sets a note's paragraphs at the foot's size and appends their lines. */
static void S_note(pb *b, const qr_node *note, int number)
{
    const qr_print_options *o = b->opt;
    char label[16];
    snprintf(label, sizeof label, "%d", number);
    int first = 1;
    qr_iter it;
    qr_iter_init(&it, note);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *n = it.node;
        if (ev != QR_EV_ENTER || n == note)
            continue;
        qr_node_type t = qr_node_get_type(n);
        if (t != QR_NODE_PARAGRAPH && t != QR_NODE_HEADING && t != QR_NODE_CODE_BLOCK &&
            t != QR_NODE_TABLE_ROW && t != QR_NODE_VERSE_LINE)
            continue;
        if (b->n_fn == b->cap_fn) {
            b->cap_fn = b->cap_fn ? b->cap_fn * 2 : 16;
            b->fn = xrealloc(b->fn, b->cap_fn * sizeof *b->fn);
        }
        pblock *bl = &b->fn[b->n_fn];
        memset(bl, 0, sizeof *bl);
        bl->kind = PB_PARA;
        bl->node = n;
        bl->width = b->measure;
        qr_para_style st = {.face = QR_FACE_REGULAR,
                            .size = b->fn_size,
                            .indent = first ? 0 : b->fn_size,
                            .align = QR_ALIGN_JUSTIFY,
                            .hyphenate = 1,
                            .label = first ? label : NULL};
        if (t == QR_NODE_VERSE_LINE) { /* verse quoted in a note: a line each, ragged */
            st.align = QR_ALIGN_LEFT;
            st.hyphenate = 0;
        }
        const char *lang = qr_node_effective_lang(b->doc, n);
        if (t == QR_NODE_CODE_BLOCK) {
            size_t len;
            const char *s = qr_node_text(n, &len);
            qr_buf text = QR_BUF_INIT;
            if (first)
                qr_buf_addf(&text, "%s\xE2\x80\x82", label);
            qr_buf_add(&text, s, len);
            for (size_t k = 0; k < text.len; k++)
                if (text.ptr[k] == '\n')
                    text.ptr[k] = ' ';
            st.label = NULL;
            qr_para_build_text(b->fonts, text.ptr, &st, o, lang, &bl->para);
            qr_para_add_src(&bl->para, text.len - len, n, 0); /* after the label */
            qr_buf_release(&text);
        } else {
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
        }
        it.ev = QR_EV_EXIT; /* its inlines are in the paragraph */
        if (bl->para.n == 0 || qr_pb_break(b, bl, 0) < 0) {
            qr_para_free(&bl->para);
            free(bl->lines);
            continue;
        }
        b->n_fn++;
        first = 0;
        for (size_t l = 0; l < bl->n_lines; l++) {
            if (b->n_fnl == b->cap_fnl) {
                b->cap_fnl = b->cap_fnl ? b->cap_fnl * 2 : 64;
                b->fnl = xrealloc(b->fnl, b->cap_fnl * sizeof *b->fnl);
            }
            b->fnl[b->n_fnl].para = b->n_fn - 1;
            b->fnl[b->n_fnl].line = l;
            b->n_fnl++;
        }
    }
    if (b->n_notes == b->cap_notes) {
        b->cap_notes = b->cap_notes ? b->cap_notes * 2 : 16;
        b->note_end = xrealloc(b->note_end, b->cap_notes * sizeof *b->note_end);
    }
    b->note_end[b->n_notes++] = b->n_fnl;
}

/* Numbers the notes a paragraph (or heading) calls and sets them; returns
 * the number of its first note, or 0 when it calls none. */
static int S_notes_of(pb *b, const qr_node *para)
{
    int first = 0;
    qr_iter it;
    qr_iter_init(&it, para);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *n = it.node;
        if (ev != QR_EV_ENTER || qr_node_get_type(n) != QR_NODE_NOTE)
            continue;
        int number = (int)b->n_notes + 1;
        if (!first)
            first = number;
        if (b->n_note_nodes == b->cap_note_nodes) {
            b->cap_note_nodes = b->cap_note_nodes ? b->cap_note_nodes * 2 : 16;
            b->note_nodes = xrealloc(b->note_nodes, b->cap_note_nodes * sizeof *b->note_nodes);
        }
        b->n_note_nodes = (size_t)number - 1;
        b->note_nodes[b->n_note_nodes++] = n;
        S_note(b, n, number);
        it.ev = QR_EV_EXIT; /* notes within notes are not called */
    }
    return first;
}

/* Tables ------------------------------------------------------------------------- */

/* Natural width of a paragraph set on one line. */
static double S_natural(const qr_para *p)
{
    double w = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].type != QR_ITEM_PENALTY && p->items[i].stretch < QR_FIL / 2)
            w += p->items[i].width;
    return w;
}

/* The widest word of a paragraph: the boxes between two glues (a column
 * narrower than this would have to break inside it). */
static double S_widest_word(const qr_para *p)
{
    double w = 0, run = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->items[i].type == QR_ITEM_BOX) {
            run += p->items[i].width;
            if (run > w)
                w = run;
        } else if (p->items[i].type == QR_ITEM_GLUE) {
            run = 0;
        }
    }
    return w;
}

/*
 * A table, booktabs style: column widths from the cells' natural widths
 * (when too wide together, the narrow columns kept and the wide ones
 * wrapped, never narrower than their widest word if it can be); each
 * column aligned as asked, the header row bold; a rule above the table,
 * one below the header and one at its end. Each row is a block of its own,
 * never split by a page.
 */
static void S_table(pb *b, const qr_node *t, double left, double width)
{
    const qr_print_options *o = b->opt;
    int cols = qr_node_table_columns(t);
    if (cols <= 0)
        return;
    if (cols > QR_MAX_COLUMNS)
        cols = QR_MAX_COLUMNS;
    double gap = o->font_size;
    double natural[QR_MAX_COLUMNS] = {0}, least[QR_MAX_COLUMNS] = {0};
    S_block(b, PB_BLANK, NULL);
    size_t first = b->n_blocks, header = 0;
    for (const qr_node *r = qr_node_first_child(t); r; r = qr_node_next(r)) {
        if (qr_node_get_type(r) != QR_NODE_TABLE_ROW)
            continue;
        pblock *bl = S_block(b, PB_ROW, r);
        bl->header = qr_node_row_header(r);
        bl->left = left;
        bl->width = width;
        bl->cells = xcalloc((size_t)cols, sizeof *bl->cells);
        bl->n_cells = (size_t)cols;
        int notes = S_notes_of(b, r);
        int k = 0;
        for (const qr_node *c = qr_node_first_child(r); c && k < cols; c = qr_node_next(c)) {
            if (qr_node_get_type(c) != QR_NODE_TABLE_CELL)
                continue;
            qr_col_align al = qr_node_table_align(t, k);
            qr_para_style st = {.face = bl->header ? QR_FACE_BOLD : QR_FACE_REGULAR,
                                .size = o->font_size,
                                .align = al == QR_COL_CENTER  ? QR_ALIGN_CENTER
                                         : al == QR_COL_RIGHT ? QR_ALIGN_RIGHT
                                                              : QR_ALIGN_LEFT,
                                .hyphenate = 1,
                                .lining = 1,
                                .note_first = notes};
            pblock *cell = &bl->cells[k];
            cell->node = c;
            qr_para_build(b->fonts, c, &st, o, qr_node_effective_lang(b->doc, c), &cell->para);
            double w = S_natural(&cell->para);
            if (w > natural[k])
                natural[k] = w;
            w = S_widest_word(&cell->para);
            if (w > least[k])
                least[k] = w;
            for (size_t f = 0; f < cell->para.n_frags; f++)
                if (cell->para.frags[f].note > 0)
                    notes = cell->para.frags[f].note + 1;
            k++;
        }
        if (bl->header && !header)
            header = b->n_blocks;
    }
    size_t last = b->n_blocks;
    if (last == first)
        return;
    /* the columns' widths */
    double total = 0, total_least = 0, room = width - gap * (cols - 1);
    for (int k = 0; k < cols; k++) {
        if (natural[k] < o->font_size)
            natural[k] = o->font_size;
        if (least[k] > natural[k])
            least[k] = natural[k];
        total += natural[k];
        total_least += least[k];
    }
    double cx[QR_MAX_COLUMNS], cw[QR_MAX_COLUMNS];
    for (int k = 0; k < cols; k++)
        cw[k] = natural[k];
    if (total > room) {
        /* Too wide. Keep as many of the narrowest columns at their natural
         * width as can be, with every other column at least as wide as its
         * widest word; those others share what room is left in proportion
         * to how much wider they would like to be. When even the words do
         * not fit, every column in proportion to its widest word (the cells
         * then break inside words). */
        int order[QR_MAX_COLUMNS], keep = 0;
        for (int k = 0; k < cols; k++)
            order[k] = k;
        for (int i = 1; i < cols; i++) /* by natural width, narrowest first */
            for (int j = i; j > 0 && natural[order[j]] < natural[order[j - 1]]; j--) {
                int swap = order[j];
                order[j] = order[j - 1];
                order[j - 1] = swap;
            }
        double kept = 0, rest_least = total_least;
        while (keep < cols) {
            int k = order[keep];
            if (kept + natural[k] + rest_least - least[k] > room)
                break;
            kept += natural[k];
            rest_least -= least[k];
            keep++;
        }
        double spare = room - kept - rest_least, want = 0;
        for (int i = keep; i < cols; i++)
            want += natural[order[i]] - least[order[i]];
        for (int i = keep; i < cols; i++) {
            int k = order[i];
            if (spare < 0)
                cw[k] = least[k] * room / total_least;
            else
                cw[k] = least[k] + (want > 0 ? (natural[k] - least[k]) * spare / want : 0);
        }
        total = room;
    }
    double x = total < room ? (room - total) / 2 : 0; /* a narrow table is centred */
    for (int k = 0; k < cols; k++) {
        cx[k] = x;
        x += cw[k] + gap;
    }
    for (size_t i = first; i < last; i++) {
        pblock *bl = &b->blocks[i];
        size_t rows = 1;
        for (int k = 0; k < cols; k++) {
            pblock *cell = &bl->cells[k];
            cell->left = left + cx[k];
            cell->width = cw[k] + 0.01; /* the widest cell fits on its line */
            if (cell->para.n == 0 || qr_pb_break(b, cell, 0) < 0) {
                cell->n_lines = 0;
                continue;
            }
            if (cell->n_lines > rows)
                rows = cell->n_lines;
        }
        bl->n_lines = rows;
        bl->header_block = !bl->header && header && i >= header ? header : 0;
        bl->rule_above = i == first;
        bl->rule_below =
            i + 1 == last || (bl->header && !(i + 1 < last && b->blocks[i + 1].header));
    }
    S_block(b, PB_BLANK, NULL);
}

/* Grid lines that `lines` footnote lines take with the rule above them. */
int qr_pb_fn_rows(const pb *b, size_t lines)
{
    if (lines == 0)
        return 0;
    double h = (double)lines * b->fn_leading + b->opt->leading * 0.8;
    return (int)ceil(h / b->opt->leading - 1e-6);
}

/* Collecting blocks ------------------------------------------------------------ */

/* Adds a figure: the image at 150 dpi, scaled down to the measure and the
 * text block's height, its title below as a caption. */
static void S_figure(pb *b, const qr_node *img, double left, double width)
{
    const qr_print_options *o = b->opt;
    const qr_image *im = qr_node_image(img);
    if (!im || im->width <= 0 || im->height <= 0)
        return;
    S_block(b, PB_BLANK, NULL);
    pblock *bl = S_block(b, PB_FIGURE, img);
    bl->left = left;
    bl->width = width;
    bl->image = im;
    const char *title = qr_node_title(img);
    if (title && *title) {
        qr_para_style st = {.face = QR_FACE_ITALIC,
                            .size = o->font_size * 0.9,
                            .align = QR_ALIGN_CENTER,
                            .hyphenate = 0};
        bl->width = width * 0.85;
        qr_para_build_text(b->fonts, title, &st, o, qr_node_effective_lang(b->doc, img), &bl->para);
        if (bl->para.n == 0 || qr_pb_break(b, bl, 0) < 0) {
            qr_para_free(&bl->para);
            free(bl->lines);
            bl->lines = NULL;
            bl->n_lines = 0;
        }
        bl->left = left + (width - bl->width) / 2;
        if (bl->n_lines > (size_t)b->lines_per_page / 3) {
            /* a caption of a third of a page is cut (and said so) */
            qr_warn(NULL, 0, 0, "a figure's caption over %d lines is cut: %.40s...",
                    b->lines_per_page / 3, title);
            bl->n_lines = (size_t)b->lines_per_page / 3;
        }
    }
    double w = im->width * 72.0 / 150, h = im->height * 72.0 / 150;
    double max_h = (b->lines_per_page - (int)bl->n_lines - 1) * o->leading;
    double sc = 1;
    if (w * sc > width)
        sc = width / w;
    if (h * sc > max_h)
        sc = max_h / h;
    bl->img_w = w * sc;
    bl->img_h = h * sc;
    double rows = ceil((bl->img_h - o->font_size) / o->leading - 1e-6) + 1;
    bl->img_rows = rows < 1 ? 1 : (size_t)rows;
    S_block(b, PB_BLANK, NULL);
}

/* The figures of a paragraph's inline images (not alone in it). */
static void S_inline_figures(pb *b, const qr_node *para, double left, double width)
{
    qr_iter it;
    qr_iter_init(&it, para);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *n = it.node;
        if (ev != QR_EV_ENTER)
            continue;
        if (qr_node_get_type(n) == QR_NODE_NOTE)
            it.ev = QR_EV_EXIT;
        else if (qr_node_get_type(n) == QR_NODE_IMAGE) {
            S_figure(b, n, left, width);
            it.ev = QR_EV_EXIT;
        }
    }
}

/* A code block: a block of its own per source line, monospace, ragged,
 * continuations hung by two characters. */
static void S_code_block(pb *b, const qr_node *n, double left, double width, char *marker)
{
    const qr_print_options *o = b->opt;
    size_t len;
    const char *text = qr_node_text(n, &len);
    const char *lang = qr_node_effective_lang(b->doc, n);
    double size = o->font_size * QR_MONO_SCALE;
    if (!marker[0]) {
        /* set off by a little indent, unless it opens a list item */
        left += o->font_size;
        width -= o->font_size;
    }
    for (size_t i = 0; i <= len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        pblock *bl = S_block(b, PB_CODE, n);
        bl->left = left;
        bl->width = width;
        bl->hang = size * 1.2;
        qr_para_style st = {.face = QR_FACE_MONO,
                            .size = size,
                            .align = QR_ALIGN_LEFT,
                            .hyphenate = 0,
                            .break_long = width - bl->hang};
        qr_para_build_code(b->fonts, text + i, (int)(e - i), &st, o, lang, &bl->para);
        qr_para_add_src(&bl->para, 0, n, i);
        if (bl->para.n == 0 || qr_pb_break(b, bl, 0) < 0) {
            qr_para_free(&bl->para);
            free(bl->lines);
            bl->lines = NULL;
            bl->kind = PB_BLANK; /* an empty line of code */
        } else if (marker[0]) {
            memcpy(bl->marker, marker, sizeof bl->marker);
            marker[0] = '\0';
        }
        i = e + 1;
    }
}

/*
 * A line of a play or poem set apart from the text: the speaker's label, a
 * stage direction, a line of verse. Ragged right, never hyphenated; a
 * verse line too long for the measure is turned, its continuation hung by
 * `hang`. Returns the block, or NULL when it holds nothing.
 */
static pblock *S_set_apart(pb *b, const qr_node *n, int face, double left, double width,
                           double hang, int hyphenate)
{
    const qr_print_options *o = b->opt;
    pblock *bl = S_block(b, PB_PARA, n);
    bl->left = left;
    bl->width = width;
    bl->hang = hang;
    qr_para_style st = {.face = face & ~QR_FACE_SMALL_CAPS,
                        .size = o->font_size,
                        .indent = 0,
                        .align = QR_ALIGN_LEFT,
                        .hyphenate = hyphenate,
                        .small_caps = (face & QR_FACE_SMALL_CAPS) != 0};
    st.note_first = S_notes_of(b, n);
    qr_para_build(b->fonts, n, &st, o, qr_node_effective_lang(b->doc, n), &bl->para);
    if (bl->para.n == 0 || qr_pb_break(b, bl, 0) < 0) {
        qr_para_free(&bl->para);
        free(bl->lines);
        b->n_blocks--;
        return NULL;
    }
    return bl;
}

/* A stanza: a line of space above and below it, each line a block, its
 * indent kept (half an em a space), turned lines hung by 2 em. */
static void S_verse(pb *b, const qr_node *verse, double left, double width)
{
    double em = b->opt->font_size;
    if (b->n_blocks > 0 && b->blocks[b->n_blocks - 1].kind != PB_BLANK)
        S_block(b, PB_BLANK, NULL);
    for (const qr_node *l = qr_node_first_child(verse); l; l = qr_node_next(l)) {
        if (qr_node_get_type(l) != QR_NODE_VERSE_LINE)
            continue;
        double in = 0.5 * em * qr_node_level(l);
        if (in > width / 2)
            in = width / 2;
        S_set_apart(b, l, QR_FACE_REGULAR, left + in, width - in, 2 * em, 0);
        S_inline_figures(b, l, left, width);
    }
    S_block(b, PB_BLANK, NULL);
}

/* An open container while collecting blocks. */
typedef struct cframe {
    qr_node_type type;
    double left, width; /* before it opened */
    int number;         /* LIST: the next item's number */
    int items;          /* LIST: items so far */
} cframe;

/*
 * Collects the blocks of a chapter: paragraphs, headings, scene breaks,
 * block quotes (indented both sides), lists (markers hung in the indent,
 * nested lists further in; loose lists with a blank line between items),
 * code blocks and figures. Walks the tree with the iterator: a manuscript
 * nested 10,000 deep costs no stack, and indents at most QR_MAX_INDENT
 * levels.
 */
void qr_pb_collect_blocks(pb *b, const qr_node *chapter)
{
    const qr_print_options *o = b->opt;
    cframe *fr = NULL;
    size_t n_fr = 0, cap_fr = 0;
    double left = 0, width = b->measure;
    int indent_next = 0, depth = 0;
    char marker[24] = "";
    /* the book's own title page is on the title page (pagefront.c) */
    const qr_node *skip_to =
        b->tp_first && qr_node_parent(b->tp_first) == chapter ? b->tp_last : NULL;
    qr_iter it;
    qr_iter_init(&it, chapter);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *n = it.node;
        if (n == chapter)
            continue;
        qr_node_type t = qr_node_get_type(n);
        const char *lang = qr_node_effective_lang(b->doc, n);
        if (ev == QR_EV_EXIT) {
            if (t != QR_NODE_BLOCK_QUOTE && t != QR_NODE_LIST && t != QR_NODE_LIST_ITEM)
                continue;
            if (n_fr == 0)
                continue;
            cframe *top = &fr[--n_fr];
            left = top->left;
            width = top->width;
            depth--;
            int in_item = n_fr > 0 && fr[n_fr - 1].type == QR_NODE_LIST_ITEM;
            if (t == QR_NODE_BLOCK_QUOTE || (t == QR_NODE_LIST && !in_item)) {
                S_block(b, PB_BLANK, NULL);
                indent_next = 0;
            }
            if (t == QR_NODE_LIST_ITEM)
                marker[0] = '\0';
            continue;
        }
        switch (t) {
        case QR_NODE_PARAGRAPH: {
            it.ev = QR_EV_EXIT; /* its inlines are the paragraph's */
            if (skip_to) {
                if (n == skip_to)
                    skip_to = NULL;
                break;
            }
            const qr_node *img = qr_paragraph_figure(n);
            if (img && qr_node_image(img)) {
                /* a figure floats (pagefill.c): the paragraph after it is
                 * indented as if it were not there, as in the EPUB */
                S_figure(b, img, left, width);
                break;
            }
            pblock *bl = S_block(b, PB_PARA, n);
            bl->left = left;
            bl->width = width;
            qr_para_style st = {.face = QR_FACE_REGULAR,
                                .size = o->font_size,
                                .indent = indent_next ? o->font_size : 0,
                                .align = QR_ALIGN_JUSTIFY,
                                .hyphenate = 1};
            /* a letter's lines set apart: the dateline and the signature
             * ranged right, the salutation flush left, the closing indented;
             * the lines of the book's own title page centred */
            qr_para_role role = qr_node_para_role(n);
            if (role != QR_PARA_PROSE) {
                st.indent = role == QR_PARA_CLOSING ? width * 0.3 : 0;
                st.align = role == QR_PARA_DATELINE || role == QR_PARA_SIGNATURE ? QR_ALIGN_RIGHT
                           : role == QR_PARA_TITLE_PAGE                          ? QR_ALIGN_CENTER
                                                                                 : QR_ALIGN_LEFT;
                st.hyphenate = 0;
            }
            st.note_first = S_notes_of(b, n);
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
            if (bl->para.n == 0 || qr_pb_break(b, bl, 0) < 0) {
                qr_para_free(&bl->para);
                b->n_blocks--;
            } else {
                memcpy(bl->marker, marker, sizeof bl->marker);
                marker[0] = '\0';
                indent_next = role != QR_PARA_DATELINE && role != QR_PARA_SALUTATION &&
                              role != QR_PARA_TITLE_PAGE;
            }
            S_inline_figures(b, n, left, width);
            break;
        }
        case QR_NODE_HEADING: {
            it.ev = QR_EV_EXIT;
            if (qr_node_level(n) <= 1 && n == qr_chapter_heading(chapter)) {
                /* the chapter's own title: set by the opening, its notes
                 * first at the foot of the opening page */
                b->head_note = S_notes_of(b, n);
                b->head_fnl = b->n_fnl;
                break;
            }
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
            st.note_first = S_notes_of(b, n);
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
            if (bl->para.n == 0 || qr_pb_break(b, bl, 0) < 0) {
                qr_para_free(&bl->para);
                b->n_blocks--;
                break;
            }
            S_block(b, PB_BLANK, NULL);
            indent_next = 0;
            break;
        }
        case QR_NODE_SCENE_BREAK:
            /* the ornament with a line of space above and below it (a
             * page starts with no blank line: at a page's top or foot
             * the ornament alone marks the break) */
            if (b->n_blocks == 0 || b->blocks[b->n_blocks - 1].kind != PB_BLANK)
                S_block(b, PB_BLANK, NULL);
            S_block(b, PB_BREAK, n);
            S_block(b, PB_BLANK, NULL);
            indent_next = 0;
            break;
        case QR_NODE_CODE_BLOCK:
            if (!marker[0])
                S_block(b, PB_BLANK, NULL);
            S_code_block(b, n, left, width, marker);
            S_block(b, PB_BLANK, NULL);
            indent_next = 0;
            break;
        case QR_NODE_TABLE:
            it.ev = QR_EV_EXIT;
            S_table(b, n, left, width);
            indent_next = 0;
            break;
        case QR_NODE_SPEECH: /* its blocks follow */ indent_next = 0; break;
        case QR_NODE_SPEAKER:
            /* the label on a line of its own, in small capitals where the
             * font has them (as the EPUB sets it), else in italics */
            it.ev = QR_EV_EXIT;
            if (b->small_caps < 0)
                b->small_caps = qr_fonts_has_feature(b->fonts, QR_FACE_REGULAR, "smcp") &&
                                qr_fonts_has_feature(b->fonts, QR_FACE_REGULAR, "c2sc");
            S_set_apart(b, n, b->small_caps ? QR_FACE_REGULAR | QR_FACE_SMALL_CAPS : QR_FACE_ITALIC,
                        left, width, 0, 0);
            indent_next = 0;
            break;
        case QR_NODE_STAGE: /* set apart: in italics, 2 em in */
            it.ev = QR_EV_EXIT;
            S_set_apart(b, n, QR_FACE_ITALIC, left + 2 * o->font_size, width - 2 * o->font_size, 0,
                        1);
            S_inline_figures(b, n, left, width);
            indent_next = 0;
            break;
        case QR_NODE_VERSE:
            it.ev = QR_EV_EXIT;
            S_verse(b, n, left, width);
            indent_next = 0;
            break;
        case QR_NODE_BLOCK_QUOTE:
        case QR_NODE_LIST:
        case QR_NODE_LIST_ITEM: {
            if (n_fr == cap_fr) {
                cap_fr = cap_fr ? cap_fr * 2 : 16;
                fr = xrealloc(fr, cap_fr * sizeof *fr);
            }
            int in_item = n_fr > 0 && fr[n_fr - 1].type == QR_NODE_LIST_ITEM;
            cframe *top = &fr[n_fr++];
            top->type = t;
            top->left = left;
            top->width = width;
            top->number = qr_node_list_start(n);
            top->items = 0;
            depth++;
            int deeper = depth <= QR_MAX_INDENT;
            if (t == QR_NODE_BLOCK_QUOTE) {
                S_block(b, PB_BLANK, NULL);
                indent_next = 0;
                if (deeper) {
                    left += 1.5 * o->font_size;
                    width -= 3 * o->font_size;
                }
            } else if (t == QR_NODE_LIST) {
                if (!in_item)
                    S_block(b, PB_BLANK, NULL);
                marker[0] = '\0';
            } else {
                cframe *list =
                    n_fr >= 2 && fr[n_fr - 2].type == QR_NODE_LIST ? &fr[n_fr - 2] : NULL;
                const qr_node *ln = qr_node_parent(n);
                if (list && list->items > 0 && ln && !qr_node_list_tight(ln))
                    S_block(b, PB_BLANK, NULL); /* loose: a line between items */
                if (list && ln && qr_node_list_ordered(ln))
                    snprintf(marker, sizeof marker, "%d.", list->number++);
                else
                    snprintf(marker, sizeof marker, "%s", "\xE2\x80\xA2"); /* • */
                if (list)
                    list->items++;
                indent_next = 0;
                if (deeper) {
                    left += 1.6 * o->font_size;
                    width -= 1.6 * o->font_size;
                }
            }
            break;
        }
        default: it.ev = QR_EV_EXIT; break;
        }
    }
    free(fr);
}
