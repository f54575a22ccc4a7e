/*
 * pagefront.c: running heads and folios, and the front matter (half-title,
 * title page, copyright, contents) (steps 1 and 4 of pages.c's outline).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pagebuild.h"

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

void qr_pb_heads_and_folios(pb *b, size_t first_body)
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
        double left = qr_pb_left(b, i);
        if (head && i >= first_body) {
            /* a long title is cut at a word, with an ellipsis */
            char cut[256];
            snprintf(cut, sizeof cut, "%s", head);
            size_t before = p->n_runs;
            double w = qr_pb_place_string(b, p, cut, QR_FACE_ITALIC, o->font_size * 0.9, left,
                                          b->measure, o->top - o->leading * 0.9, 1, 1);
            while (w > b->measure * 0.9) {
                p->n_runs = before;
                char *sp = strrchr(cut, ' ');
                if (!sp)
                    break;
                strcpy(sp, "\xE2\x80\xA6");
                /* strip the word the ellipsis now ends */
                w = qr_pb_place_string(b, p, cut, QR_FACE_ITALIC, o->font_size * 0.9, left,
                                       b->measure, o->top - o->leading * 0.9, 1, 1);
                if (w > b->measure * 0.9)
                    *strrchr(cut, ' ') = '\0';
            }
        }
        qr_pb_place_string(b, p, p->folio, QR_FACE_REGULAR, o->font_size * 0.9, left, b->measure,
                           o->page_h - o->bottom + o->leading * 1.6, 1, 1);
    }
}

/* Front matter ------------------------------------------------------------- */

int qr_pb_count_contents(const qr_doc *doc)
{
    int n = 0;
    const qr_node *tp_last, *tp = qr_doc_title_page(doc, &tp_last);
    for (const qr_node *c = qr_node_first_child(qr_doc_root(doc)); c; c = qr_node_next(c))
        if (qr_node_get_type(c) == QR_NODE_CHAPTER)
            n++;
    /* a chapter that is only the book's own title page is the title page */
    return tp && !qr_node_next(tp_last) ? n - 1 : n;
}

/* The book's own title page, its paragraphs centred as printed: the first
 * (the title) large, a quarter down the page, the others under it a line
 * apart; smaller and from the top when that does not fit. */
static void S_own_title_page(pb *b, qr_page *p)
{
    const qr_print_options *o = b->opt;
    size_t before = p->n_runs;
    for (int tight = 0; tight < 2; tight++) {
        p->n_runs = before;
        double y = tight ? b->y0 + o->font_size : o->top + b->text_h / 4;
        double gap = tight ? o->leading * 0.5 : o->leading;
        for (const qr_node *n = b->tp_first; n; n = n == b->tp_last ? NULL : qr_node_next(n)) {
            double scale = n == b->tp_first ? (tight ? 1.6 : 2.2) : (tight ? 1 : 1.2);
            double size = o->font_size * scale;
            y = qr_pb_place_para_centred(b, p, n, size, y) + gap;
        }
        if (y - gap <= o->top + b->text_h)
            return;
    }
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
    if (bl.para.n > 0 && qr_pb_break(b, &bl, 0) == 0) {
        unsigned group = ++b->group;
        for (size_t i = 0; i < bl.n_lines; i++) {
            size_t before = page->n_runs;
            qr_para_place_line(&bl.para, &bl.lines[i], 1, qr_pb_left(b, b->lay->n_pages - 1), y,
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

/* The authors as a title page names them: "A", "A and B", "A, B, and C". */
static void S_by_line(const qr_meta *m, qr_buf *out)
{
    int authors = 0, k = 0;
    for (int i = 0; i < m->n_creators; i++)
        authors += qr_meta_is_author(&m->creators[i]);
    for (int i = 0; i < m->n_creators; i++) {
        if (!qr_meta_is_author(&m->creators[i]))
            continue;
        qr_buf_adds(out, qr_meta_author_separator(k++, authors));
        qr_buf_adds(out, m->creators[i].name);
    }
}

/* The copyright page, small, at the foot of the title page's verso: the
 * book's title and its creators as the EPUB's copyright page gives them
 * (the only place they are printed when the book's own title page is set),
 * then rights, publisher, date, ISBN, identifier and the colophon. */
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
    qr_buf title = QR_BUF_INIT, by = QR_BUF_INIT;
    qr_buf_adds(&title, b->book_title ? b->book_title : "");
    if (m->subtitle && *m->subtitle)
        qr_buf_addf(&title, ": %s", m->subtitle);
    qr_buf_adds(&by, "by ");
    S_by_line(m, &by);
    if (by.len == 3)
        qr_buf_reset(&by);
    enum { MAX_LINES = 8 + QR_MAX_CREATORS };
    const char *lines[MAX_LINES];
    char roles[QR_MAX_CREATORS][512];
    int n = 0, n_roles = 0;
    lines[n++] = title.ptr;
    lines[n++] = by.ptr;
    for (int i = 0; i < m->n_creators && n_roles < QR_MAX_CREATORS; i++) {
        const char *phrase = qr_meta_role_phrase(m->creators[i].role);
        if (phrase && m->creators[i].name) {
            snprintf(roles[n_roles], sizeof roles[n_roles], "%s %s", phrase,
                     m->creators[i].name);
            lines[n++] = roles[n_roles++];
        }
    }
    int space_after = n; /* a line of space between the book and its rights */
    const char *rest[] = {m->rights,     m->publisher, m->date, isbn[0] ? isbn : NULL,
                          m->identifier, colophon};
    for (size_t i = 0; i < QR_ARRAY_LEN(rest); i++)
        lines[n++] = rest[i];
    double size = o->font_size * 0.82, leading = o->leading * 0.85;
    int shown = 0;
    for (int i = 0; i < n; i++)
        shown += lines[i] && *lines[i];
    double y = o->top + b->text_h - (shown + 2) * leading;
    for (int i = 0; i < n; i++) {
        if (i == space_after || i == n - 1)
            y += leading * 0.5; /* the rights apart, and the colophon */
        if (!lines[i] || !*lines[i])
            continue;
        y = S_place_left(b, page, lines[i], size, leading, y);
    }
    qr_buf_release(&title);
    qr_buf_release(&by);
}

/* The title page made from the metadata: title, subtitle, creators and
 * publisher. */
static void S_made_title_page(pb *b, qr_page *p, const qr_meta *m)
{
    const qr_print_options *o = b->opt;
    double y = qr_pb_place_block(b, p, b->book_title, QR_FACE_REGULAR, o->font_size * 2.2,
                                 o->top + b->text_h / 4);
    if (m->subtitle)
        qr_pb_place_block(b, p, m->subtitle, QR_FACE_ITALIC, o->font_size * 1.3,
                          y + o->font_size * 0.8);
    y = o->top + b->text_h / 2;
    for (int i = 0; i < m->n_creators; i++) {
        /* authors by name alone; the others (MARC relators) say what they did */
        const char *phrase = qr_meta_role_phrase(m->creators[i].role);
        char line[512];
        snprintf(line, sizeof line, "%s%s%s", phrase ? phrase : "", phrase ? " " : "",
                 m->creators[i].name);
        y = qr_pb_place_block(b, p, line, QR_FACE_REGULAR, o->font_size * 1.3, y) +
            o->font_size * 0.6;
    }
    if (m->publisher)
        qr_pb_place_block(b, p, m->publisher, QR_FACE_REGULAR, o->font_size,
                          o->top + b->text_h - o->leading);
}

/* The front matter, laid out after the body: half-title, title page and
 * contents, moved before the body pages. */
size_t qr_pb_front_matter(pb *b, size_t body_pages)
{
    const qr_print_options *o = b->opt;
    qr_layout *lay = b->lay;
    const qr_meta *m = qr_doc_meta_const(b->doc);
    size_t start = lay->n_pages;
    b->parity_base = start; /* these pages will come first */
    /* half-title: the title again, an artifact for the structure tree */
    qr_page *p = qr_pb_new_page(b, NULL, 1);
    qr_pb_place_block(b, p, b->book_title, QR_FACE_REGULAR, o->font_size * 1.45,
                      o->top + b->text_h / 4);
    for (size_t k = 0; k < p->n_runs; k++)
        p->runs[k].artifact = 1;
    qr_pb_new_page(b, NULL, 1);
    /* title page: the book's own, else one made from the metadata */
    p = qr_pb_new_page(b, NULL, 1);
    if (b->tp_first)
        S_own_title_page(b, p);
    else
        S_made_title_page(b, p, m);
    /* the copyright page, on the title page's verso */
    p = qr_pb_new_page(b, NULL, 1);
    S_copyright(b, p, m);
    /* contents: one line an entry, page numbers flush right, linked */
    int entries = qr_pb_count_contents(b->doc);
    if (entries > 1) {
        size_t n_out = lay->n_outline;
        int row = 2;
        p = qr_pb_new_page(b, NULL, 1);
        qr_pb_place_block(b, p, "Contents", QR_FACE_REGULAR, o->font_size * 1.45, b->y0);
        for (size_t k = 0; k < p->n_runs; k++)
            p->runs[k].role = QR_ROLE_TOC_TITLE;
        for (size_t i = 0; i < n_out; i++) {
            const qr_outline_item *it = &lay->outline[i];
            if (it->level > 2 || it->page < 0 || (size_t)it->page >= body_pages)
                continue;
            size_t pi = lay->n_pages - 1;
            double left = qr_pb_left(b, pi);
            double indent = (it->level - 1) * o->font_size * 1.5;
            char num[16];
            snprintf(num, sizeof num, "%d", it->page + 1);
            /* the title broken to the measure less room for the number,
             * ragged; the number flush right on its last line */
            qr_para_style st = {.face = QR_FACE_REGULAR,
                                .size = o->font_size,
                                .indent = 0,
                                .align = QR_ALIGN_LEFT,
                                .hyphenate = 1,
                                .lining = 1};
            pblock bl;
            memset(&bl, 0, sizeof bl);
            bl.width = b->measure - indent - o->font_size * 3;
            qr_para_build_text(
                b->fonts, it->title, &st, o,
                qr_doc_meta_const(b->doc)->language ? qr_doc_meta_const(b->doc)->language : "en",
                &bl.para);
            if (bl.para.n == 0 || qr_pb_break(b, &bl, 0) < 0) {
                qr_para_free(&bl.para);
                free(bl.lines);
                continue;
            }
            if (row + (int)bl.n_lines > b->lines_per_page) {
                p = qr_pb_new_page(b, NULL, 0);
                row = 0;
                pi = lay->n_pages - 1;
                left = qr_pb_left(b, pi);
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
            int nn = qr_fonts_shape_string(b->fonts, num, QR_FACE_REGULAR | QR_FACE_LINING,
                                           o->font_size, ns, 2);
            double nw = 0;
            for (int k = 0; k < nn; k++)
                nw += ns[k]->width;
            qr_pb_place_string(b, p, num, QR_FACE_REGULAR | QR_FACE_LINING, o->font_size,
                               left + b->measure - nw, nw, y_row, 0, 0);
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
        qr_pb_new_page(b, NULL, 1);
    return lay->n_pages - start;
}

/* Moves the front pages [body_pages, n) before the body and renumbers
 * everything that refers to pages. */
void qr_pb_rotate_front(pb *b, size_t body_pages)
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
