/*
 * text_verse.c: verse in the plain-text reader (a step of building, called
 * for each run of paragraph lines).
 *
 * A block is a stanza when its lines are lines of verse, not a paragraph
 * wrapped to a measure: its right edge is ragged (a line before the last
 * stops well short of the longest) and either nearly every line opens with
 * a capital (blank verse, as Milton's), or its lines are indented, as a
 * poem or a song is set in a plain text. A stanza keeps its lines, and
 * each line its indent relative to the stanza's least indented line. A
 * line deeper in than the one before, opening in lower case after a line
 * that fills the block's measure, is that line turned (Whitman's long
 * lines, wrapped and indented in the Gutenberg text): it is joined to it,
 * and the writers hang it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/* Leading spaces of line i, in columns (a tab counts four). */
static int S_indent(const reader *r, int i)
{
    int n = 0;
    for (size_t k = 0; k < r->lines[i].len; k++) {
        char c = r->lines[i].s[k];
        if (c == ' ')
            n++;
        else if (c == '\t')
            n += 4;
        else
            break;
    }
    return n;
}

static int S_width(const reader *r, int i)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    return qr_text_width(t, l);
}

/* Whether line i opens a footnote in Gutenberg's conventions: "[1] ",
 * "[A] ", "[*] " or "[Footnote ": a note, however its lines are set, is
 * prose (text_notes.c makes it a note). */
static int S_opens_note(const reader *r, int i)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    if (l > 10 && strncasecmp(t, "[Footnote ", 10) == 0)
        return 1;
    if (l < 4 || t[0] != '[')
        return 0;
    size_t k = 1;
    while (k < l && k < 6 && t[k] != ']' && t[k] != ' ')
        k++;
    return k > 1 && k + 1 < l && t[k] == ']' && t[k + 1] == ' ';
}

/* Whether line i opens with a capital, past quotes, brackets and
 * underscores. */
static int S_opens_capital(const reader *r, int i)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    size_t k = 0;
    while (k < l && (t[k] == '"' || t[k] == '\'' || t[k] == '(' || t[k] == '[' || t[k] == '_' ||
                     (unsigned char)t[k] == 0xE2))
        k += (unsigned char)t[k] == 0xE2 ? 3 : 1;
    return k < l && (isupper((unsigned char)t[k]) ||
                     ((unsigned char)t[k] == 0xC3 && k + 1 < l && (unsigned char)t[k + 1] < 0x9F));
}

static int S_opens_lower(const reader *r, int i)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    return l > 0 && islower((unsigned char)t[0]);
}

/* Whether line i is line i - 1 turned (see the opening comment). */
static int S_turned(const reader *r, int i, int widest)
{
    return S_indent(r, i) >= S_indent(r, i - 1) + 3 && S_opens_lower(r, i) &&
           S_width(r, i - 1) * 10 >= widest * 8;
}

/* The width of line i's first word. */
static int S_first_word(const reader *r, int i)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    size_t k = 0;
    while (k < l && t[k] != ' ')
        k++;
    return qr_text_width(t, k);
}

int qr_text_measure(const reader *r)
{
    enum { MAXW = 4096 };
    int *count = xcalloc(MAXW + 1, sizeof(int));
    int total = 0, width = 0;
    for (int i = r->body_first; i < r->body_end; i++)
        if (!qr_text_blank(r, i)) {
            int w = qr_text_width(r->lines[i].s, r->lines[i].len);
            count[w > MAXW ? MAXW : w]++;
            total++;
        }
    for (int w = 0, seen = 0; w <= MAXW; w++) {
        seen += count[w];
        if (seen * 100 >= total * 98) {
            width = w;
            break;
        }
    }
    free(count);
    return width;
}

const char *qr_text_verse_rule(const reader *r, const block *b, int from)
{
    int n = b->last - from + 1;
    if (n < 2 || r->cjk || S_opens_note(r, from))
        return NULL;
    int caps = 0, indented = 0, widest = 0, shortest = 1 << 30, indents = 0;
    unsigned char seen[64] = {0};
    for (int i = from; i <= b->last; i++) {
        int w = S_width(r, i);
        widest = w > widest ? w : widest;
        caps += S_opens_capital(r, i);
        int in = S_indent(r, i);
        indented += in > 0;
        if (!seen[in & 63]++)
            indents++;
    }
    /* the lines before the last, turned lines apart: a paragraph's last
     * line is short anyway */
    for (int i = from; i < b->last; i++)
        if (!S_turned(r, i + 1, widest)) {
            int w = S_width(r, i);
            shortest = w < shortest ? w : shortest;
        }
    int ragged = (long long)shortest * 10 < (long long)widest * 7;
    if (n >= 4 && caps * 10 >= n * 9 && ragged)
        return "lines opening with capitals, ragged right";
    /* a verse paragraph needs its lines indented: a block quote indented
     * as a whole is wrapped to an even right edge */
    if (n >= 3 && indented * 2 >= n && ragged)
        return "indented lines, ragged right";
    /* a text wrapped to a measure breaks a line where the next word does
     * not fit: lines broken with room for it were broken by the poet */
    int short_broken = 1;
    for (int i = from; i < b->last && short_broken; i++)
        if (!S_turned(r, i + 1, widest))
            short_broken =
                S_indent(r, i) + S_width(r, i) + 1 + S_first_word(r, i + 1) <= r->measure;
    if (indented == n && short_broken && r->measure > 0)
        return "indented lines, each broken short of the measure";
    /* a song's lines, indented as its rhymes go: two indents or more, and
     * every line short of the text's measure */
    if (n >= 3 && indented * 2 >= n && indents >= 2 && widest * 4 < r->wrap_width * 3)
        return "short lines at two indents or more";
    return NULL;
}

void qr_text_emit_verse(reader *r, const block *b, int from, const char *rule)
{
    int min_in = 1 << 30, widest = 0;
    for (int i = from; i <= b->last; i++) {
        int in = S_indent(r, i);
        min_in = in < min_in ? in : min_in;
        int w = S_width(r, i);
        widest = w > widest ? w : widest;
    }
    int turned = 0;
    qr_builder_set_pos(&r->b, r->file, r->lines[from].no);
    qr_builder_enter(&r->b, QR_NODE_VERSE);
    qr_buf text = QR_BUF_INIT;
    for (int i = from; i <= b->last;) {
        int in = S_indent(r, i) - min_in;
        qr_buf_reset(&text);
        qr_text_join_line(r, i, &text);
        int j = i + 1;
        for (; j <= b->last && S_turned(r, j, widest); j++, turned++)
            qr_text_join_line(r, j, &text);
        qr_builder_set_pos(&r->b, r->file, r->lines[i].no);
        qr_node *l = qr_builder_enter(&r->b, QR_NODE_VERSE_LINE);
        qr_node_set_level(l, in > 12 ? 12 : in);
        qr_text_emit_text(r, text.ptr, text.len);
        qr_builder_leave(&r->b);
        i = j;
    }
    qr_builder_leave(&r->b);
    qr_buf_release(&text);
    if (turned)
        qr_text_note(r, r->lines[from].no, "verse: lines %d-%d, %d turned line%s joined (%s)",
                     r->lines[from].no, r->lines[b->last].no, turned, turned == 1 ? "" : "s", rule);
    else
        qr_text_note(r, r->lines[from].no, "verse: lines %d-%d (%s)", r->lines[from].no,
                     r->lines[b->last].no, rule);
}
