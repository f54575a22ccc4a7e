/*
 * text_contents.c: step 3 of the plain-text reader: blocks (runs of
 * non-blank lines) and the printed table of contents.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/* Step 3: blocks and the printed contents --------------------------------- */

/* Whether lines first..i are one or two heading lines with another heading
 * under them: "ACT I" over "SCENE I. Before LEONATO'S House." are two
 * headings, not one heading of two lines. */
static int S_heading_over(const reader *r, int first, int i)
{
    if (i - first > 1)
        return 0;
    size_t l;
    const char *t = qr_text_line(r, first, &l);
    qr_heading_kind a = qr_text_heading_kind(t, l);
    if (a != QR_HEADING_PART && a != QR_HEADING_CHAPTER)
        return 0;
    t = qr_text_line(r, i + 1, &l);
    qr_heading_kind b = qr_text_heading_kind(t, l);
    return b == QR_HEADING_PART || b == QR_HEADING_CHAPTER;
}

void qr_text_make_blocks(reader *r)
{
    int cap = 256;
    r->blocks = xmalloc((size_t)cap * sizeof(block));
    int gap = 0;
    for (int i = r->body_first; i < r->body_end; i++) {
        if (qr_text_blank(r, i)) {
            gap++;
            continue;
        }
        if (r->n_blocks == cap) {
            cap *= 2;
            r->blocks = xrealloc(r->blocks, (size_t)cap * sizeof(block));
        }
        block *b = &r->blocks[r->n_blocks++];
        b->first = i;
        while (i + 1 < r->body_end && !qr_text_blank(r, i + 1) && !S_heading_over(r, b->first, i))
            i++;
        b->last = i;
        b->gap = gap;
        gap = 0;
    }
}

void qr_text_normalize(const char *s, size_t len, qr_buf *out)
{
    size_t start = out->len;
    int space = 0;
    qr_text_trim_left(&s, &len);
    /* a note's call is no part of a title: "TO ZELTER.[1]" */
    len -= qr_text_note_call(s, len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        /* a period ending a word: "EXTRACTS. (Supplied" is "EXTRACTS (Supplied" */
        if (c == '.' && (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\t'))
            continue;
        if (c == ' ' || c == '\t' || c == '\n') {
            space = 1;
            continue;
        }
        if (space && out->len > start)
            qr_buf_addc(out, ' ');
        space = 0;
        qr_buf_addc(out, (char)toupper(c));
    }
}

/* Appends the block's lines joined by single spaces (for headings). */
void qr_text_block_joined(const reader *r, const block *b, qr_buf *out)
{
    for (int i = b->first; i <= b->last; i++) {
        size_t l;
        const char *t = qr_text_line(r, i, &l);
        if (i > b->first)
            qr_buf_addc(out, ' ');
        qr_buf_add(out, t, l);
    }
}

/* Whether a line reads as a contents entry: a heading by its words, or a
 * line opening or ending with a number ("II.    Le pour et le contre.   7"). */
int qr_text_entry_like(const char *s, size_t len)
{
    if (qr_text_heading_kind(s, len) != QR_HEADING_NONE)
        return 1;
    size_t i = 0;
    while (i < len && (isdigit((unsigned char)s[i]) || strchr("IVXLC", s[i])))
        i++;
    if (i > 0 && i < len && (s[i] == '.' || s[i] == ' '))
        return 1;
    return len > 0 && isdigit((unsigned char)s[len - 1]);
}

/* Whether s[0..len) qualifies a contents' title: "OF VOLUME II", "OF THE
 * FIRST VOLUME", "TO VOL. II": a short phrase after "of" or "to", every
 * word of it capitalised or a number, as a title is set. */
static int S_contents_qualifier(const char *s, size_t len)
{
    if (len < 4 || len > 32 || s[0] != ' ')
        return 0;
    s++;
    len--;
    if (strncasecmp(s, "OF ", 3) != 0 && strncasecmp(s, "TO ", 3) != 0)
        return 0;
    int words = 0;
    for (size_t i = 3; i < len;) {
        while (i < len && s[i] == ' ')
            i++;
        if (i == len)
            break;
        unsigned char c = (unsigned char)s[i];
        int minor = strncasecmp(s + i, "THE ", 4) == 0 && islower(c);
        if (!(isupper(c) || isdigit(c) || minor))
            return 0;
        words++;
        while (i < len && s[i] != ' ')
            i++;
    }
    return words >= 1 && words <= 4;
}

/* The title of a contents list, in the languages read: CONTENTS, TABLE DES
 * MATIÈRES, INHALT, ÍNDICE, INDICE; in English with what it lists
 * ("CONTENTS OF VOLUME II."). */
static int S_is_contents_title(const char *s, size_t len)
{
    static const char *const titles[] = {
        "CONTENTS", "TABLE OF CONTENTS", "TABLE DES MATI\xC3\x88RES", "TABLE DES MATI\xC3\xA8RES",
        "TABLE", "SOMMAIRE", "INHALT", "INHALTSVERZEICHNIS", "\xC3\x8DNDICE", "INDICE",
    };
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ':'))
        len--;
    for (size_t k = 0; k < QR_ARRAY_LEN(titles); k++) {
        size_t tl = strlen(titles[k]);
        if (len == tl && strncasecmp(s, titles[k], len) == 0)
            return 1;
        if (k < 2 && len > tl && strncasecmp(s, titles[k], tl) == 0 &&
            S_contents_qualifier(s + tl, len - tl))
            return 1;
    }
    return 0;
}

static void S_add_entry(reader *r, const char *s, size_t len)
{
    r->entries = xrealloc(r->entries, sizeof(char *) * (size_t)(r->n_entries + 1));
    qr_buf_reset(&r->tmp);
    qr_text_normalize(s, len, &r->tmp);
    r->entries[r->n_entries++] = xstrndup(r->tmp.ptr, r->tmp.len);
}

/*
 * Finds "CONTENTS" near the start of the book and reads its entries: lines
 * (or, for entries wrapped over two lines, blocks) up to three blank lines
 * in a row or the first entry's heading in the text. Returns the kinds array
 * marks: the contents blocks become B_SKIP.
 */
void qr_text_find_contents(reader *r, block_kind *kinds)
{
    int limit = r->n_blocks / 4 + 8;
    if (limit > r->n_blocks)
        limit = r->n_blocks;
    int title = -1;
    for (int k = 0; k < limit; k++) {
        const block *b = &r->blocks[k];
        size_t l;
        const char *t = qr_text_line(r, b->first, &l);
        if (S_is_contents_title(t, l)) {
            title = k;
            break;
        }
    }
    /* a contents at the end of the book, as French books print it */
    for (int k = r->n_blocks - 1; title < 0 && k >= limit && k >= r->n_blocks * 3 / 4; k--) {
        size_t l;
        const char *t = qr_text_line(r, r->blocks[k].first, &l);
        if (S_is_contents_title(t, l))
            title = k;
    }
    if (title < 0)
        return;
    int k = title;
    /* The title may share its block with the first entries. */
    int first_line = r->blocks[k].first + 1;
    int grouped = 0;
    for (; k < r->n_blocks; k++) {
        const block *b = &r->blocks[k];
        /* Three blank lines end the contents, unless what follows reads as
         * more entries (a contents in groups: an act and its scenes); past
         * such a gap, every block must. */
        size_t fl;
        const char *ft = qr_text_line(r, b->first, &fl);
        int entry_like = qr_text_heading_kind(ft, fl) != QR_HEADING_NONE;
        if (k > title && r->n_entries > 0 && b->gap >= 3 && !entry_like)
            break;
        if (k > title && b->gap >= 3)
            grouped = 1;
        /* ...a list whose every line reads as an entry ("315. To Zelter"),
         * or the title under such a heading ("THIRD PART." over "LIFE'S
         * TROUBLES AND CLOSE"): a short block straight after it */
        if (grouped && !entry_like && k > title) {
            int listed = 1;
            for (int i = b->first; i <= b->last && listed; i++) {
                size_t l;
                const char *t = qr_text_line(r, i, &l);
                listed = qr_text_entry_like(t, l);
            }
            entry_like = listed && b->last > b->first;
        }
        if (grouped && !entry_like && k > title && kinds[k - 1] == B_SKIP && b->gap < 3 &&
            b->last - b->first < 3) {
            size_t pl;
            const char *pt = qr_text_line(r, r->blocks[k - 1].last, &pl);
            entry_like = r->blocks[k - 1].first == r->blocks[k - 1].last &&
                         qr_text_heading_kind(pt, pl) != QR_HEADING_NONE;
        }
        if (grouped && !entry_like)
            break;
        /* a block with a line as wide as the text's, none of which reads as
         * an entry, is prose: the text again */
        if (k > title && r->n_entries > 0) {
            int prose = 0, like = 0;
            for (int i = b->first; i <= b->last; i++) {
                size_t l;
                const char *t = qr_text_line(r, i, &l);
                like += qr_text_entry_like(t, l);
                prose |= qr_text_width(r->lines[i].s, r->lines[i].len) * 10 >= r->wrap_width * 8;
            }
            if (prose && !like)
                break;
        }
        if (k > title && r->n_entries > 0) {
            qr_buf_reset(&r->tmp);
            qr_text_block_joined(r, b, &r->tmp);
            qr_buf key = QR_BUF_INIT;
            qr_text_normalize(r->tmp.ptr, r->tmp.len, &key);
            /* the first entry's heading: "41." for "41. To the Editor" */
            int again = qr_text_entry_matches(key.ptr, key.len, 0, r->entries[0]);
            qr_buf_release(&key);
            if (again)
                break;
        }
        int from = k == title ? first_line : b->first;
        for (int i = from; i <= b->last; i++) {
            size_t l;
            const char *t = qr_text_line(r, i, &l);
            /* A line that does not read as an entry, after a long one that
             * does, continues it (a title wrapped in the contents); so does
             * one under a bare "Scene I." (its title). */
            size_t pl;
            const char *pt = i > from ? qr_text_line(r, i - 1, &pl) : NULL;
            if (i > from && r->n_entries > 0 && qr_text_heading_kind(t, l) == QR_HEADING_NONE &&
                (r->lines[i - 1].len >= 55 || qr_text_bare_heading(pt, pl))) {
                qr_buf_reset(&r->tmp);
                qr_buf_add(&r->tmp, pt, pl);
                qr_buf_addc(&r->tmp, ' ');
                qr_buf_add(&r->tmp, t, l);
                free(r->entries[--r->n_entries]);
                char *joined = xstrndup(r->tmp.ptr, r->tmp.len);
                S_add_entry(r, joined, strlen(joined));
                free(joined);
                continue;
            }
            S_add_entry(r, t, l);
        }
        kinds[k] = B_SKIP;
    }
    r->contents_first = title;
    r->contents_end = k;
    if (r->n_entries < 2) {
        /* Not a contents list after all. */
        for (int j = title; j < k; j++)
            kinds[j] = B_PARA;
        for (int j = 0; j < r->n_entries; j++)
            free(r->entries[j]);
        r->n_entries = 0;
        r->contents_end = 0;
    }
}
