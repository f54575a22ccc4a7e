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

/*
 * Blocks on the grid: paragraphs and section headings (lines), scene
 * breaks and blank lines (one line), code lines (a code block's source
 * line, its continuations hung), figures (whole: an image and its caption
 * lines, never split by a page), table rows (whole, their cells side by
 * side; a table's header rows repeat atop every page it continues on).
 */
enum { PB_PARA, PB_SUBHEAD, PB_BREAK, PB_BLANK, PB_CODE, PB_FIGURE, PB_ROW };

/* Lists and block quotes indent no deeper than this many levels. */
#define QR_MAX_INDENT 6

typedef struct pblock {
    int kind;
    qr_para para;
    qr_line *lines;
    size_t n_lines;
    int looseness;
    double left, width; /* within the text block */
    double hang;        /* PB_CODE: continuation lines start this much further in */
    const qr_node *node;
    char marker[24];    /* a list item's marker, hung before its first line */
    /* PB_FIGURE: the image, its size on the page, grid lines it takes
     * (its caption's lines are `lines`, after them) */
    const qr_image *image;
    double img_w, img_h;
    size_t img_rows;
    /* PB_ROW: its cells (para, lines, left and width each); the first block
     * of its table's header (+1, 0 when none); rules above and below */
    struct pblock *cells;
    size_t n_cells;
    size_t header_block;
    int header, rule_above, rule_below;
} pblock;

/* A line of a footnote: a line of one of the chapter's note paragraphs. */
typedef struct fnline {
    size_t para, line;
} fnline;

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
    /* its footnotes: paragraphs broken at their size, their lines in
     * order, and where each note's lines end (note_end[number - 1]) */
    pblock *fn;
    size_t n_fn, cap_fn;
    fnline *fnl;
    size_t n_fnl, cap_fnl;
    size_t *note_end;
    size_t n_notes, cap_notes;
    const qr_node **note_nodes; /* the chapter's NOTEs, by number - 1 */
    size_t n_note_nodes, cap_note_nodes;
    unsigned group; /* the last qr_run.group given */
    double fn_size, fn_leading;
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
/* A code line's measure: its continuations are hung. */
static double S_hang_width(size_t line, void *ctx)
{
    const pblock *bl = ctx;
    return line == 0 ? bl->width : bl->width - bl->hang;
}

static int S_break(pb *b, pblock *bl, int looseness)
{
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
}

/* Lines a block takes on the grid. */
static size_t S_height(const pblock *bl)
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
            t != QR_NODE_TABLE_ROW)
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
        if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
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
                                .align = al == QR_COL_CENTER ? QR_ALIGN_CENTER
                                         : al == QR_COL_RIGHT ? QR_ALIGN_RIGHT
                                                              : QR_ALIGN_LEFT,
                                .hyphenate = 1,
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
            if (cell->para.n == 0 || S_break(b, cell, 0) < 0) {
                cell->n_lines = 0;
                continue;
            }
            if (cell->n_lines > rows)
                rows = cell->n_lines;
        }
        bl->n_lines = rows;
        bl->header_block = !bl->header && header && i >= header ? header : 0;
        bl->rule_above = i == first;
        bl->rule_below = i + 1 == last || (bl->header && !(i + 1 < last && b->blocks[i + 1].header));
    }
    S_block(b, PB_BLANK, NULL);
}

/* Grid lines that `lines` footnote lines take with the rule above them. */
static int S_fn_rows(const pb *b, size_t lines)
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
        qr_para_build_text(b->fonts, title, &st, o, qr_node_effective_lang(b->doc, img),
                           &bl->para);
        if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
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
        if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
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
static void S_collect_blocks(pb *b, const qr_node *chapter)
{
    const qr_print_options *o = b->opt;
    cframe *fr = NULL;
    size_t n_fr = 0, cap_fr = 0;
    double left = 0, width = b->measure;
    int indent_next = 0, depth = 0;
    char marker[24] = "";
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
            const qr_node *img = qr_paragraph_figure(n);
            if (img && qr_node_image(img)) {
                S_figure(b, img, left, width);
                indent_next = 0;
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
            st.note_first = S_notes_of(b, n);
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
            if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
                qr_para_free(&bl->para);
                b->n_blocks--;
            } else {
                memcpy(bl->marker, marker, sizeof bl->marker);
                marker[0] = '\0';
                indent_next = 1;
            }
            S_inline_figures(b, n, left, width);
            break;
        }
        case QR_NODE_HEADING: {
            it.ev = QR_EV_EXIT;
            if (qr_node_level(n) <= 1 && n == qr_chapter_heading(chapter))
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
            st.note_first = S_notes_of(b, n);
            qr_para_build(b->fonts, n, &st, o, lang, &bl->para);
            if (bl->para.n == 0 || S_break(b, bl, 0) < 0) {
                qr_para_free(&bl->para);
                b->n_blocks--;
                break;
            }
            S_block(b, PB_BLANK, NULL);
            indent_next = 0;
            break;
        }
        case QR_NODE_SCENE_BREAK:
            S_block(b, PB_BREAK, n);
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
                cframe *list = n_fr >= 2 && fr[n_fr - 2].type == QR_NODE_LIST ? &fr[n_fr - 2] : NULL;
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
        default:
            it.ev = QR_EV_EXIT;
            break;
        }
    }
    free(fr);
}

/* Page filling ----------------------------------------------------------- */

typedef struct pos {
    size_t block, line;
} pos;

/* Grid lines of header rows repeated atop a page that starts inside a
 * table. */
static int S_repeat_rows(const pb *b, pos start)
{
    if (start.block >= b->n_blocks)
        return 0;
    const pblock *bl = &b->blocks[start.block];
    if (bl->kind != PB_ROW || !bl->header_block)
        return 0;
    return (int)S_height(&b->blocks[bl->header_block - 1]);
}

/* The first line that does not fit in `cap` grid lines from `at`. Figures
 * and table rows are not split, unless a row is the first thing on the
 * page; a figure that does not fit leaves its page to the next. */
static pos S_fill(const pb *b, pos at, int cap)
{
    pos start = at;
    cap -= S_repeat_rows(b, at);
    while (at.block < b->n_blocks && cap > 0) {
        const pblock *bl = &b->blocks[at.block];
        size_t h = S_height(bl);
        size_t left = h - at.line;
        int first = at.block == start.block && at.line == start.line;
        if (left > (size_t)cap && at.line == 0 &&
            (bl->kind == PB_FIGURE || (bl->kind == PB_ROW && !first)))
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
    /* footnote lines at its foot: [fn_from, fn_to); fn_pend: the lines that
     * notes called on earlier pages need, up to which it must go first */
    size_t fn_from, fn_to, fn_pend;
} plan;

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
        size_t l1 = k == cut.block ? cut.line : S_height(bl);
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

/* Grid lines a planned page fills: its text, repeated table headers and
 * footnotes. */
static int S_page_rows(const pb *b, const plan *p)
{
    return S_lines_between(b, p->start, p->cut) + S_repeat_rows(b, p->start) +
           S_fn_rows(b, p->fn_to - p->fn_from);
}

/*
 * Plans a page: where its text ends and which footnote lines stand at its
 * foot. The notes called on the page go with it (the text ends early to
 * make room: TeX's \insert); only when a note cannot fit, even after
 * the line calling it, is it split and the rest carried to the next page
 * (\vsplit). Returns the footnote lines that must be set by the end of
 * the next page.
 */
static size_t S_plan(pb *b, plan *p)
{
    /* lines of a note split on an earlier page come first, in at most half
     * the page; while some are still owed, notes called here wait */
    size_t owed = p->fn_pend - p->fn_from, carried = 0;
    while (carried < owed && S_fn_rows(b, carried + 1) <= p->cap / 2)
        carried++;
    if (carried < owed) {
        int c = p->cap - S_fn_rows(b, carried);
        p->cut = S_page_cut(b, p->start, c < 1 ? 1 : c);
        p->fn_to = p->fn_from + carried;
        return S_fn_needed(b, p->start, p->cut, p->fn_pend);
    }
    /* the text gives up lines to its notes, down to half the page; a note
     * that still does not fit is split there */
    int c = p->cap, floor = p->cap / 2 > 1 ? p->cap / 2 : 1;
    for (;;) {
        p->cut = S_page_cut(b, p->start, c);
        size_t need = S_fn_needed(b, p->start, p->cut, p->fn_pend);
        int used = S_lines_between(b, p->start, p->cut) + S_repeat_rows(b, p->start);
        int rows = S_fn_rows(b, need - p->fn_from);
        if (used + rows <= p->cap || c <= floor) {
            size_t fit = p->fn_from;
            while (fit < need && used + S_fn_rows(b, fit + 1 - p->fn_from) <= p->cap)
                fit++;
            p->fn_to = fit;
            return need;
        }
        int nc = p->cap - rows;
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
        for (size_t f = 0; f < para->n_frags; f++) {
            const qr_frag *fr = &para->frags[f];
            if (fr->note > 0 && fr->shape == r->shape && fr->g0 == r->g0 && fr->b0 == r->b0) {
                r->role = QR_ROLE_NOTE_CALL;
                if ((size_t)fr->note <= b->n_note_nodes)
                    r->ref = b->note_nodes[fr->note - 1];
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
    double x = S_left(b, pi);
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
    if (mx < S_left(b, pi))
        mx = S_left(b, pi); /* never into the margin */
    size_t before = page->n_runs;
    S_place_string(b, page, marker, QR_FACE_REGULAR, b->opt->font_size, mx, w, y, 0, 0);
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
    double x0 = S_left(b, pi) + bl->cells[0].left;
    const pblock *lc = &bl->cells[bl->n_cells - 1];
    double x1 = S_left(b, pi) + lc->left + lc->width;
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
                               S_left(b, pi) + c->left, y, c->width, page);
            S_mark_runs(b, page, before, c->node, &c->para);
        }
    }
    if (i == 0 && (bl->rule_above || (first_on_page && bl->header)))
        S_row_rule(b, page, pi, bl, y - o->font_size * 0.95, 0.8);
    if (i + 1 == bl->n_lines && bl->rule_below)
        S_row_rule(b, page, pi, bl, y + o->leading * 0.32, bl->header ? 0.4 : 0.8);
}

static void S_place_page(pb *b, qr_page *page, size_t pi, pos start, pos cut, int row,
                         size_t *hyphen_run)
{
    pos at = start;
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
        size_t end = at.block < cut.block ? S_height(bl) : cut.line;
        double x = S_left(b, pi) + bl->left;
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
                if (i == 0) {
                    double top = y - b->opt->font_size * 0.72;
                    double span = (double)(bl->img_rows - 1) * b->opt->leading + b->opt->font_size;
                    qr_graphic *g = qr_page_add_gfx(page, QR_GFX_IMAGE,
                                                    S_left(b, pi) + (b->measure - bl->img_w) / 2,
                                                    top + (span - bl->img_h) / 2, bl->img_w,
                                                    bl->img_h);
                    g->image = bl->image;
                    g->node = bl->node;
                }
                if (i >= bl->img_rows && i - bl->img_rows < bl->n_lines) {
                    size_t before = page->n_runs;
                    size_t l = i - bl->img_rows;
                    qr_para_place_line(&bl->para, &bl->lines[l], 1, x, y, bl->width, page);
                    for (size_t k = before; k < page->n_runs; k++) {
                        page->runs[k].body = 0;
                        page->runs[k].block = bl->node;
                        page->runs[k].role = QR_ROLE_CAPTION;
                    }
                }
            } else if (bl->kind == PB_PARA || bl->kind == PB_SUBHEAD) {
                size_t before = page->n_runs;
                qr_para_place_line(&bl->para, &bl->lines[i], i + 1 == bl->n_lines, x, y, bl->width,
                                   page);
                S_mark_runs(b, page, before, bl->node, &bl->para);
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
                /* an ornament: an artifact, as a rule would be */
                S_place_string(b, page, S_ornament(b), QR_FACE_REGULAR, b->opt->font_size,
                               S_left(b, pi), b->measure, y, 1, 1);
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
    /* the page the chapter's text starts on: the next one when the first
     * is full (a part's own page, with text under the part heading) */
    size_t first_index = lay->n_pages - 1 + (first >= full);
    pos start = {0, 0};
    size_t fn_from = 0, fn_pend = 0;
    int cap = full - first, row0 = first, carry = 0;
    while (start.block < b->n_blocks || fn_from < b->n_fnl) {
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
        size_t pend = S_plan(b, p);
        int used = S_page_rows(b, p);
        int shortfall = cap - used;
        int more = S_skip_blanks(b, p->cut).block < b->n_blocks;
        /* a page with footnotes ends on the grid's last line: its facing
         * page cannot be evened with it by ending early */
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
                p->cap = full - shortfall;
                pend = S_plan(b, p);
            }
        }
        pos next = S_skip_blanks(b, p->cut);
        if (next.block == start.block && next.line == start.line && p->fn_to == fn_from &&
            cap >= full)
            break; /* no progress on a whole page: cannot happen, but never loop */
        start = next;
        fn_from = p->fn_to;
        fn_pend = pend;
        cap = 0;
        n++;
    }
    /* place them */
    size_t hyphen_run = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 || first >= full)
            S_new_page(b, chapter_title, 0);
        S_place_page(b, &lay->pages[lay->n_pages - 1], lay->n_pages - 1, pl[i].start, pl[i].cut,
                     pl[i].first, &hyphen_run);
        S_place_notes(b, &lay->pages[lay->n_pages - 1], lay->n_pages - 1, pl[i].fn_from,
                      pl[i].fn_to);
        int more = S_skip_blanks(b, pl[i].cut).block < b->n_blocks;
        if (pl[i].first == 0 && more && S_page_rows(b, &pl[i]) < full)
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
    S_collect_blocks(b, ch);
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

/* Text set flush left and ragged from baseline y at a size, the lines
 * `leading` apart; returns the baseline after the last line. */
static double S_place_left(pb *b, qr_page *page, const char *text, double size, double leading,
                           double y)
{
    const qr_meta *m = qr_doc_meta_const(b->doc);
    qr_para_style st = {.face = QR_FACE_REGULAR, .size = size, .align = QR_ALIGN_LEFT};
    pblock bl;
    memset(&bl, 0, sizeof bl);
    bl.width = b->measure;
    qr_para_build_text(b->fonts, text, &st, b->opt, m->language ? m->language : "en", &bl.para);
    if (bl.para.n > 0 && S_break(b, &bl, 0) == 0) {
        unsigned group = ++b->group;
        for (size_t i = 0; i < bl.n_lines; i++) {
            size_t before = page->n_runs;
            qr_para_place_line(&bl.para, &bl.lines[i], 1, S_left(b, b->lay->n_pages - 1), y,
                               bl.width, page);
            for (size_t k = before; k < page->n_runs; k++) {
                page->runs[k].body = 0;
                page->runs[k].role = QR_ROLE_FRONT;
                page->runs[k].group = group;
            }
            y += leading;
        }
    }
    qr_para_free(&bl.para);
    free(bl.lines);
    return y;
}

/* The copyright page: rights, publisher, date, ISBN, identifier and the
 * colophon, small, at the foot of the title page's verso. */
static void S_copyright(pb *b, qr_page *page, const qr_meta *m)
{
    const qr_print_options *o = b->opt;
    char isbn[64] = "", colophon[256];
    if (m->isbn)
        snprintf(isbn, sizeof isbn, "ISBN %s", m->isbn);
    /* the family as the user named it, less a trailing optical size */
    snprintf(colophon, sizeof colophon, "Typeset with quire in %s", o->font_family);
    size_t cl = strlen(colophon);
    if (cl > 3 && colophon[cl - 3] == ' ' && colophon[cl - 2] >= '0' && colophon[cl - 2] <= '9')
        colophon[cl - 3] = '\0';
    const char *lines[] = {m->rights,  m->publisher, m->date,
                           isbn[0] ? isbn : NULL, m->identifier, colophon};
    double size = o->font_size * 0.82, leading = o->leading * 0.85;
    int n = 0;
    for (size_t i = 0; i < QR_ARRAY_LEN(lines); i++)
        n += lines[i] && *lines[i];
    double y = o->top + b->text_h - (n + 1) * leading;
    for (size_t i = 0; i < QR_ARRAY_LEN(lines); i++) {
        if (!lines[i] || !*lines[i])
            continue;
        y = S_place_left(b, page, lines[i], size, leading, y);
        if (i + 2 == QR_ARRAY_LEN(lines))
            y += leading * 0.5; /* the colophon apart */
    }
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
    /* half-title: the title again, an artifact for the structure tree */
    qr_page *p = S_new_page(b, NULL, 1);
    S_place_block(b, p, b->book_title, QR_FACE_REGULAR, o->font_size * 1.45,
                  o->top + b->text_h / 4);
    for (size_t k = 0; k < p->n_runs; k++)
        p->runs[k].artifact = 1;
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
    /* the copyright page, on the title page's verso */
    p = S_new_page(b, NULL, 1);
    S_copyright(b, p, m);
    /* contents: one line an entry, page numbers flush right, linked */
    int entries = S_count_contents(b->doc);
    if (entries > 1) {
        size_t n_out = lay->n_outline;
        int row = 2;
        p = S_new_page(b, NULL, 1);
        S_place_block(b, p, "Contents", QR_FACE_REGULAR, o->font_size * 1.45, b->y0);
        for (size_t k = 0; k < p->n_runs; k++)
            p->runs[k].role = QR_ROLE_TOC_TITLE;
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
            unsigned group = ++b->group;
            for (size_t k = before; k < p->n_runs; k++) {
                p->runs[k].body = 0;
                p->runs[k].link_page = it->page + 1; /* moved with the front matter */
                p->runs[k].link_y = it->y;
                p->runs[k].role = QR_ROLE_TOC_ENTRY;
                p->runs[k].group = group;
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
    /* footnotes at 9 on 11 for the default 11 on 14 */
    b.fn_size = opt->font_size * 9 / 11;
    b.fn_leading = opt->leading * 11 / 14;

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
    free(b.fn);
    free(b.fnl);
    free(b.note_end);
    free(b.note_nodes);
    return lay;
fail:
    free(b.page_chapter);
    free(b.opening);
    free(b.blocks);
    free(b.fn);
    free(b.fnl);
    free(b.note_end);
    free(b.note_nodes);
    qr_layout_free(lay);
    return NULL;
}

void qr_layout_free(qr_layout *lay)
{
    if (!lay)
        return;
    for (size_t i = 0; i < lay->n_pages; i++) {
        free(lay->pages[i].runs);
        free(lay->pages[i].gfx);
    }
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
