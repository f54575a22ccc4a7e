/*
 * text_blocks.c: step 6 of the plain-text reader: building the tree
 * (chapters, headings, paragraphs, scene breaks) through the builder.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

static int S_cjk_line_start(const char *s, size_t len, int *indented)
{
    int n;
    uint32_t c = qr_text_cp_at(s, len, 0, &n);
    if (c == 0x3000) {
        *indented = 1;
        return 1;
    }
    /* dialogue in Japanese text is not indented: 「 『 （ 〈 《 【 */
    return c == 0x300C || c == 0x300E || c == 0xFF08 || c == 0x3008 || c == 0x300A ||
           c == 0x3010;
}

/* Every line of the block is a paragraph of its own, indented with U+3000. */
int qr_text_line_per_paragraph(const reader *r, const block *b)
{
    int indented = 0;
    for (int i = b->first; i <= b->last; i++)
        if (!S_cjk_line_start(r->lines[i].s, r->lines[i].len, &indented))
            return 0;
    return indented;
}

/* The block's lines are deliberately short (verse, an address, a title and
 * a by-line): keep its line breaks. */
static int S_keeps_lines(const reader *r, const block *b)
{
    if (b->first == b->last)
        return 0;
    int fields = 1;
    for (int i = b->first; i <= b->last && fields; i++) {
        size_t l;
        const char *t = qr_text_line(r, i, &l);
        fields = qr_text_is_field_line(t, l);
    }
    if (fields) /* "Title: ..." over "Author: ..." */
        return 1;
    if (r->wrap_width < 50)
        return 0;
    for (int i = b->first; i <= b->last; i++)
        if (qr_text_width(r->lines[i].s, r->lines[i].len) * 10 >= r->wrap_width * 6)
            return 0;
    return 1;
}

void qr_text_emit_paragraphs(reader *r, const block *b, int from)
{
    if (qr_text_line_per_paragraph(r, b)) {
        for (int i = from; i <= b->last; i++) {
            size_t l;
            const char *t = qr_text_line(r, i, &l);
            qr_builder_set_pos(&r->b, r->file, r->lines[i].no);
            qr_builder_enter(&r->b, QR_NODE_PARAGRAPH);
            qr_text_emit_text(r, t, l);
            qr_builder_leave(&r->b);
        }
        return;
    }
    const char *verse = qr_text_verse_rule(r, b, from);
    if (verse) {
        qr_text_emit_verse(r, b, from, verse);
        return;
    }
    int keep = S_keeps_lines(r, b);
    qr_buf text = QR_BUF_INIT;
    for (int i = from; i <= b->last; i++) {
        if (keep && i > from)
            qr_buf_addc(&text, '\n');
        qr_text_join_line(r, i, &text);
    }
    if (text.len > 0) {
        qr_builder_set_pos(&r->b, r->file, r->lines[from].no);
        qr_builder_enter(&r->b, QR_NODE_PARAGRAPH);
        qr_text_emit_text(r, text.ptr, text.len);
        qr_builder_leave(&r->b);
    }
    qr_buf_release(&text);
}

/* Building ------------------------------------------------------------------ */

void qr_text_close_chapter(reader *r)
{
    qr_text_close_speech(r);
    if (r->in_chapter) {
        qr_builder_leave(&r->b);
        r->in_chapter = 0;
    }
}

void qr_text_open_chapter(reader *r, qr_chapter_kind kind, int level, int line_no)
{
    qr_text_close_chapter(r);
    qr_builder_set_pos(&r->b, r->file, line_no);
    qr_node *c = qr_builder_enter(&r->b, QR_NODE_CHAPTER);
    qr_node_set_chapter_kind(c, kind);
    qr_node_set_level(c, level);
    r->in_chapter = 1;
    r->kind = kind;
}

void qr_text_emit_heading(reader *r, const block *b, int level, int lines, const block *title)
{
    qr_buf text = QR_BUF_INIT;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    /* a bare "CHAPTER THE FIRST." keeps its line over its title */
    int bare = (lines > 1 || title) && qr_text_bare_heading(t, l);
    for (int i = b->first; i < b->first + lines; i++) {
        if (i == b->first + 1 && bare)
            qr_buf_addc(&text, '\n');
        qr_text_join_line(r, i, &text);
    }
    for (int i = title ? title->first : 0; title && i <= title->last; i++) {
        if (i == title->first && bare)
            qr_buf_addc(&text, '\n');
        qr_text_join_line(r, i, &text);
    }
    qr_builder_set_pos(&r->b, r->file, r->lines[b->first].no);
    qr_node *h = qr_builder_enter(&r->b, QR_NODE_HEADING);
    qr_node_set_level(h, level);
    qr_text_emit_text(r, text.ptr, text.len);
    qr_builder_leave(&r->b);
    qr_buf_release(&text);
}

/* Emits s[0..len) of line i as a heading of `level`. */
static void S_emit_heading_text(reader *r, int i, int level, const char *s, size_t len)
{
    while (len > 0 && s[len - 1] == ' ')
        len--;
    qr_builder_set_pos(&r->b, r->file, r->lines[i].no);
    qr_node *h = qr_builder_enter(&r->b, QR_NODE_HEADING);
    qr_node_set_level(h, level);
    qr_text_emit_text(r, s, len);
    qr_builder_leave(&r->b);
}

/* The typical width of a line, in columns: the 80th percentile. */
int qr_text_wrap_width(const reader *r)
{
    enum { MAXW = 4096 };
    int *count = xcalloc(MAXW + 1, sizeof(int));
    int total = 0;
    for (int i = r->body_first; i < r->body_end; i++) {
        if (qr_text_blank(r, i))
            continue;
        int w = qr_text_width(r->lines[i].s, r->lines[i].len);
        count[w > MAXW ? MAXW : w]++;
        total++;
    }
    int seen = 0, width = 0;
    for (int w = 0; w <= MAXW; w++) {
        seen += count[w];
        if (seen * 10 >= total * 8) {
            width = w;
            break;
        }
    }
    free(count);
    return width;
}

/* Whether gaps of two or more blank lines are the text's ordinary paragraph
 * spacing (then they mark nothing). */
static int S_double_spaced(const reader *r, const block_kind *kinds)
{
    int wide = 0, all = 0;
    for (int k = 1; k < r->n_blocks; k++) {
        if (kinds[k] != B_PARA || kinds[k - 1] != B_PARA)
            continue;
        all++;
        if (r->blocks[k].gap >= 2)
            wide++;
    }
    return all > 0 && wide * 4 > all;
}

void qr_text_build_body(reader *r, block_kind *kinds)
{
    int has_heading = 0;
    for (int k = 0; k < r->n_blocks; k++)
        if (kinds[k] == B_PART || kinds[k] == B_CHAPTER)
            has_heading = 1;
    int double_spaced = S_double_spaced(r, kinds);
    const qr_meta *m = qr_doc_meta(r->doc);
    int last = -1; /* the last block emitted as paragraphs, in this chapter */
    int k = 0;
    /* skip what is dropped at the very start */
    while (k < r->n_blocks && kinds[k] == B_SKIP)
        k++;
    if (k < r->n_blocks && kinds[k] != B_PART && kinds[k] != B_CHAPTER) {
        const block *b = &r->blocks[k];
        if (has_heading) {
            qr_text_open_chapter(r, QR_CHAPTER_FRONT, 1, r->lines[b->first].no);
        } else {
            /* One chapter: its title is the first line when that reads as a
             * title, or begins the book's title. */
            qr_text_open_chapter(r, QR_CHAPTER_BODY, 1, r->lines[b->first].no);
            size_t l;
            const char *t = qr_text_line(r, b->first, &l);
            qr_buf key = QR_BUF_INIT, title = QR_BUF_INIT;
            qr_text_normalize(t, l, &key);
            if (m->title)
                qr_text_normalize(m->title, strlen(m->title), &title);
            int prefix = m->title && key.len >= 2 && strncmp(title.ptr, key.ptr, key.len) == 0;
            qr_buf_release(&key);
            qr_buf_release(&title);
            if (kinds[k] == B_PARA && (qr_text_title_like(r, b) || prefix)) {
                qr_text_emit_heading(r, b, 1, 1, NULL);
                if (b->last > b->first)
                    qr_text_emit_paragraphs(r, b, b->first + 1);
                k++;
            }
        }
    }
    for (; k < r->n_blocks; k++) {
        const block *b = &r->blocks[k];
        int nlines = b->last - b->first + 1;
        const block *title = kinds[k + 1] == B_TITLE ? &r->blocks[k + 1] : NULL;
        if (kinds[k] != B_PARA && kinds[k] != B_SKIP && kinds[k] != B_TITLE)
            qr_text_close_speech(r); /* a heading or a break ends a play's speech */
        switch (kinds[k]) {
        case B_SKIP:
        case B_TITLE: /* emitted with its heading */
            break;
        case B_PART: {
            size_t l;
            const char *t = qr_text_line(r, b->first, &l);
            size_t pair = nlines == 1 && !title ? qr_text_heading_pair(t, l) : 0;
            qr_text_open_chapter(r, QR_CHAPTER_PART, 1, r->lines[b->first].no);
            r->in_part = 1;
            last = -1;
            if (!pair) {
                qr_text_emit_heading(r, b, 1, nlines, title);
                break;
            }
            /* "Actus Primus. Scoena Prima.": the act's heading, then its
             * first scene's */
            S_emit_heading_text(r, b->first, 1, t, pair);
            qr_text_open_chapter(r, QR_CHAPTER_BODY, 2, r->lines[b->first].no);
            S_emit_heading_text(r, b->first, 1, t + pair, l - pair);
            break;
        }
        case B_CHAPTER:
            qr_text_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            qr_text_emit_heading(r, b, 1, nlines, title);
            last = -1;
            break;
        case B_SECTION:
            if (!r->in_chapter)
                qr_text_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            qr_text_emit_heading(r, b, 2, nlines, title);
            last = -1;
            break;
        case B_BREAK:
            if (!r->in_chapter)
                qr_text_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            qr_builder_set_pos(&r->b, r->file, r->lines[b->first].no);
            qr_builder_enter(&r->b, QR_NODE_SCENE_BREAK);
            last = -1;
            break;
        case B_PARA:
            if (!r->in_chapter)
                qr_text_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            if (r->play && r->kind != QR_CHAPTER_FRONT) {
                qr_text_emit_play_block(r, kinds, k);
                last = k;
                break;
            }
            /* Two or more blank lines between paragraphs are a scene break;
             * in a text of one paragraph per line, one blank line is. */
            if (last >= 0 && r->kind != QR_CHAPTER_FRONT &&
                ((b->gap >= 2 && !double_spaced) ||
                              (b->gap >= 1 && qr_text_line_per_paragraph(r, b) &&
                               qr_text_line_per_paragraph(r, &r->blocks[last])))) {
                qr_builder_set_pos(&r->b, r->file, r->lines[b->first].no - 1);
                qr_builder_enter(&r->b, QR_NODE_SCENE_BREAK);
            }
            qr_text_emit_paragraphs(r, b, b->first);
            last = k;
            break;
        }
    }
    qr_text_close_chapter(r);
}
