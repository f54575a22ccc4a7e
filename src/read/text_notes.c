/*
 * text_notes.c: step 7 of the plain-text reader: footnotes in Project
 * Gutenberg's conventions become notes of the model (NOTE nodes, set as the
 * Markdown reader's footnotes are).
 *
 * The conventions, as transcribers type them:
 *   - a call `[1]` (a number, a letter, `*`, `†` or `‡` in brackets) in the
 *     text, and a note paragraph `[1] ...` after the paragraph, at the
 *     chapter's end or at the book's end;
 *   - a call `[1]` and a note `[Footnote 1: ...]`, often over several
 *     paragraphs, its closing bracket ending the last of them;
 *   - calls `[1]` and, under a heading that names the notes (Notes,
 *     Footnotes...), a list of paragraphs opening `1. ` or `1) `, numbered
 *     in sequence: each the note of the call with its number, the calls
 *     taken in the list's order.
 * A note takes the nearest call before it with its label that no other note
 * took (numbering restarts with each letter, page or chapter). Read on the
 * tree once the body is built: a call may sit in a heading, a note in any
 * chapter. A call with no note, and a note with no call, stay text, with a
 * `-v` note saying so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read.h"
#include "text_reader.h"

enum { S_MAX_LABEL = 8, S_MAX_PARAS = 12 };

typedef struct {
    qr_node *text;  /* the TEXT node holding the call */
    size_t at, len; /* the call "[1]" in it */
    char label[S_MAX_LABEL];
    int line;
    int taken;
} S_call;

typedef struct {
    qr_node *first; /* its first paragraph */
    int n_paras;    /* paragraphs it runs over (siblings) */
    size_t prefix;  /* "[Footnote 1: " or "[1] " opening the first TEXT */
    int footnote;   /* the [Footnote ...] form: a closing bracket to drop */
    int list;       /* the "1. " form, in a list under a notes heading */
    char label[S_MAX_LABEL];
    int line;
    int call; /* the call it takes, or -1 */
} S_note;

typedef struct {
    S_call *calls;
    int n_calls, cap_calls;
    S_note *notes;
    int n_notes, cap_notes;
    int list_from; /* the first call after the last list of notes */
} S_ctx;

/* The length of a note label at s: one to three digits, one ASCII letter,
 * `*`, `†` or `‡`; else 0. */
static size_t S_label(const char *s, size_t len)
{
    size_t d = 0;
    while (d < len && d < 4 && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d >= 1 && d <= 3)
        return d;
    if (d > 0 || len == 0)
        return 0;
    if ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '*')
        return 1;
    if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0xA0 || (unsigned char)s[2] == 0xA1))
        return 3;
    return 0;
}

/* A call at s: "[" label "]"; its whole length, the label in *label. */
static size_t S_call_at(const char *s, size_t len, char *label)
{
    if (len < 3 || s[0] != '[')
        return 0;
    size_t l = S_label(s + 1, len - 1);
    if (l == 0 || 1 + l >= len || s[1 + l] != ']')
        return 0;
    memcpy(label, s + 1, l);
    label[l] = '\0';
    return l + 2;
}

/* The first and last TEXT nodes below n, in document order. */
static qr_node *S_first_text(qr_node *n)
{
    qr_iter it;
    qr_iter_init(&it, n);
    while (qr_iter_next(&it) != QR_EV_DONE)
        if (qr_node_get_type(qr_iter_node(&it)) == QR_NODE_TEXT)
            return qr_iter_node(&it);
    return NULL;
}

static qr_node *S_last_text(qr_node *n)
{
    qr_node *last = NULL;
    qr_iter it;
    qr_iter_init(&it, n);
    while (qr_iter_next(&it) != QR_EV_DONE)
        if (qr_node_get_type(qr_iter_node(&it)) == QR_NODE_TEXT)
            last = qr_iter_node(&it);
    return last;
}

/* The bracket depth after n's text, from `depth` (0 before the note's
 * opening bracket); -1 when text follows the bracket that closes the note. */
static int S_depth(qr_node *n, int depth, int *closed)
{
    qr_iter it;
    qr_iter_init(&it, n);
    int opened = depth > 0;
    while (qr_iter_next(&it) != QR_EV_DONE) {
        qr_node *t = qr_iter_node(&it);
        if (qr_node_get_type(t) != QR_NODE_TEXT)
            continue;
        size_t len;
        const char *s = qr_node_text(t, &len);
        for (size_t i = 0; i < len; i++) {
            if (opened && depth == 0 && s[i] != ' ' && s[i] != '\n')
                return -1;
            if (s[i] == '[') {
                depth++;
                opened = 1;
            } else if (s[i] == ']' && depth > 0) {
                depth--;
            }
        }
    }
    *closed = opened && depth == 0;
    return depth;
}

/* Whether paragraph p opens a note; fills *note. */
static int S_note_opens(qr_node *p, S_note *note)
{
    qr_node *t = qr_node_first_child(p);
    if (!t || qr_node_get_type(t) != QR_NODE_TEXT)
        return 0;
    size_t len;
    const char *s = qr_node_text(t, &len);
    memset(note, 0, sizeof *note);
    note->first = p;
    note->call = -1;
    qr_node_source(p, &note->line);
    static const char fn[] = "[Footnote ";
    if (len > sizeof fn && strncasecmp(s, fn, sizeof fn - 1) == 0) {
        size_t i = sizeof fn - 1;
        size_t l = S_label(s + i, len - i);
        if (l == 0 || i + l >= len || s[i + l] != ':')
            return 0;
        memcpy(note->label, s + i, l);
        note->label[l] = '\0';
        i += l + 1;
        while (i < len && s[i] == ' ')
            i++;
        note->prefix = i;
        note->footnote = 1;
        /* to the paragraph its bracket closes (lines of verse or a quotation
         * on the way belong to the note) */
        int depth = 0, closed = 0;
        for (qr_node *q = p; q && note->n_paras < S_MAX_PARAS; q = qr_node_next(q)) {
            qr_node_type type = qr_node_get_type(q);
            if (type != QR_NODE_PARAGRAPH && (q == p || (type != QR_NODE_VERSE &&
                                                         type != QR_NODE_BLOCK_QUOTE)))
                return 0;
            depth = S_depth(q, depth, &closed);
            note->n_paras++;
            if (depth < 0)
                return 0;
            if (closed)
                return 1;
        }
        return 0;
    }
    size_t n = S_call_at(s, len, note->label);
    if (n == 0 || n >= len || s[n] != ' ')
        return 0;
    size_t i = n;
    while (i < len && s[i] == ' ')
        i++;
    note->prefix = i;
    note->n_paras = 1;
    return 1;
}

/* Whether n's text is only a word that heads a book's notes, as editors
 * title them (English, French, German, Spanish, Italian), in any case, a
 * full stop or colon after it allowed. */
static int S_notes_heading(qr_node *n)
{
    static const char *const words[] = {"notes", "footnotes", "foot-notes", "endnotes",
                                        "end-notes", "note", "notas", "anmerkungen",
                                        "fußnoten", "fussnoten"};
    qr_node *t = qr_node_first_child(n);
    if (!t || qr_node_next(t) || qr_node_get_type(t) != QR_NODE_TEXT)
        return 0;
    size_t len;
    const char *s = qr_node_text(t, &len);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '.' || s[len - 1] == ':'))
        len--;
    while (len > 0 && s[0] == ' ') {
        s++;
        len--;
    }
    for (size_t i = 0; i < QR_ARRAY_LEN(words); i++)
        if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
            return 1;
    return 0;
}

/* The number of a list note opening paragraph p, "12. " or "12) " (one to
 * three digits), with the opening's length, its spaces too, in *open; -1
 * when p opens otherwise. */
static int S_list_label(qr_node *p, size_t *open)
{
    qr_node *t = qr_node_first_child(p);
    if (qr_node_get_type(p) != QR_NODE_PARAGRAPH || !t || qr_node_get_type(t) != QR_NODE_TEXT)
        return -1;
    size_t len;
    const char *s = qr_node_text(t, &len);
    size_t d = 0;
    int num = 0;
    while (d < len && d < 4 && s[d] >= '0' && s[d] <= '9')
        num = num * 10 + (s[d++] - '0');
    if (d == 0 || d > 3 || d + 1 >= len || (s[d] != '.' && s[d] != ')') || s[d + 1] != ' ')
        return -1;
    size_t i = d + 1;
    while (i < len && s[i] == ' ')
        i++;
    *open = i;
    return num;
}

/* Takes the nearest call with `label` among calls[from, to) that no note
 * took: returns its index, or -1. */
static int S_take_call(S_ctx *c, const char *label, int from, int to)
{
    for (int k = to - 1; k >= from; k--)
        if (!c->calls[k].taken && strcmp(c->calls[k].label, label) == 0) {
            c->calls[k].taken = 1;
            return k;
        }
    return -1;
}

static void S_add_note(S_ctx *c, const S_note *note)
{
    if (c->n_notes == c->cap_notes) {
        c->cap_notes = c->cap_notes ? c->cap_notes * 2 : 32;
        c->notes = xrealloc(c->notes, sizeof *c->notes * (size_t)c->cap_notes);
    }
    c->notes[c->n_notes++] = *note;
}

/*
 * The list of notes under the notes heading h: the paragraphs after it, in
 * its chapter, each opening with its number, the numbers in sequence (the
 * first paragraph that opens otherwise ends the list). The calls are taken
 * in the list's order, from those after the list before it (a list notes
 * the text since the last): the last note the nearest call before the list
 * with its number, each note before it the nearest before the next one's
 * call, none taken by another note; a note with no such call stays text. Returns
 * the list's last paragraph, or NULL when h heads no list.
 */
static qr_node *S_list_notes(S_ctx *c, qr_node *h)
{
    int first = c->n_notes, expect = -1;
    qr_node *last = NULL;
    for (qr_node *p = qr_node_next(h); p; p = qr_node_next(p)) {
        size_t open;
        int num = S_list_label(p, &open);
        if (num < 0 || (expect >= 0 && num != expect))
            break;
        S_note note;
        memset(&note, 0, sizeof note);
        note.first = p;
        note.n_paras = 1;
        note.prefix = open;
        note.list = 1;
        note.call = -1;
        snprintf(note.label, sizeof note.label, "%d", num % 1000); /* three digits */
        qr_node_source(p, &note.line);
        S_add_note(c, &note);
        expect = num + 1;
        last = p;
    }
    int bound = c->n_calls;
    for (int i = c->n_notes - 1; i >= first; i--) {
        S_note *note = &c->notes[i];
        note->call = S_take_call(c, note->label, c->list_from, bound);
        if (note->call >= 0)
            bound = note->call;
    }
    if (last)
        c->list_from = c->n_calls;
    return last;
}

static void S_add_call(S_ctx *c, qr_node *t, size_t at, size_t len, const char *label, int ln)
{
    if (c->n_calls == c->cap_calls) {
        c->cap_calls = c->cap_calls ? c->cap_calls * 2 : 64;
        c->calls = xrealloc(c->calls, sizeof *c->calls * (size_t)c->cap_calls);
    }
    S_call *k = &c->calls[c->n_calls++];
    memset(k, 0, sizeof *k);
    k->text = t;
    k->at = at;
    k->len = len;
    memcpy(k->label, label, strlen(label) + 1);
    k->line = ln;
}

/* Reads the calls and notes of chapters [from, end) in document order. */
static void S_collect(S_ctx *c, qr_node *from)
{
    for (qr_node *ch = from; ch; ch = qr_node_next(ch)) {
        if (qr_node_chapter_kind(ch) == QR_CHAPTER_BACK)
            continue;
        int ln = 0;
        qr_iter it;
        qr_iter_init(&it, ch);
        qr_event ev;
        while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
            qr_node *n = qr_iter_node(&it);
            qr_node_type type = qr_node_get_type(n);
            if (ev != QR_EV_ENTER)
                continue;
            if (type == QR_NODE_NOTE) {
                it.ev = QR_EV_EXIT; /* a note's own text is no call */
                continue;
            }
            if (type == QR_NODE_PARAGRAPH || type == QR_NODE_HEADING)
                qr_node_source(n, &ln);
            qr_node *list_end;
            if ((type == QR_NODE_PARAGRAPH || type == QR_NODE_HEADING) && S_notes_heading(n) &&
                (list_end = S_list_notes(c, n)) != NULL) {
                /* past the list: its text is the notes' */
                it.node = list_end;
                it.ev = QR_EV_EXIT;
                continue;
            }
            S_note note;
            if (type == QR_NODE_PARAGRAPH && S_note_opens(n, &note)) {
                /* the nearest call before it with its label, not taken */
                note.call = S_take_call(c, note.label, 0, c->n_calls);
                S_add_note(c, &note);
                /* past its paragraphs: their text is the note's */
                qr_node *last = n;
                for (int k = 1; k < note.n_paras; k++)
                    last = qr_node_next(last);
                it.node = last;
                it.ev = QR_EV_EXIT;
                continue;
            }
            if (type != QR_NODE_TEXT)
                continue;
            size_t len;
            const char *s = qr_node_text(n, &len);
            char label[S_MAX_LABEL];
            for (size_t i = 0; i + 2 < len; i++) {
                size_t k = s[i] == '[' ? S_call_at(s + i, len - i, label) : 0;
                if (k == 0)
                    continue;
                S_add_call(c, n, i, k, label, ln);
                i += k - 1;
            }
        }
    }
}

/* Drops n bytes at the start (or, with from_end, the end) of TEXT t, and
 * the spaces next to them. */
static void S_trim(qr_doc *doc, qr_node *t, size_t n, int from_end)
{
    size_t len;
    const char *s = qr_node_text(t, &len);
    if (n > len)
        n = len;
    size_t a = from_end ? 0 : n, b = from_end ? len - n : len;
    while (from_end && b > a && (s[b - 1] == ' ' || s[b - 1] == '\n'))
        b--;
    while (!from_end && a < b && s[a] == ' ')
        a++;
    if (a == b) {
        qr_node_unlink(t);
        return;
    }
    qr_node_set_text(doc, t, s + a, b - a);
}

static void S_insert_after(qr_node *at, qr_node *n)
{
    if (qr_node_next(at))
        qr_node_insert_before(qr_node_next(at), n);
    else
        qr_node_append_child(qr_node_parent(at), n);
}

/* Makes the note a NOTE node standing at its call. */
static void S_place(qr_doc *doc, S_ctx *c, const S_note *note)
{
    S_call *k = &c->calls[note->call];
    qr_node *nn = qr_node_new(doc, QR_NODE_NOTE);
    qr_node_set_source(nn, qr_node_source(note->first, NULL), note->line);
    qr_node *p = note->first;
    for (int i = 0; i < note->n_paras; i++) {
        qr_node *next = qr_node_next(p);
        qr_node_unlink(p);
        qr_node_append_child(nn, p);
        p = next;
    }
    qr_node *first = S_first_text(qr_node_first_child(nn));
    if (first)
        S_trim(doc, first, note->prefix, 0);
    if (note->footnote) {
        qr_node *last = S_last_text(qr_node_last_child(nn));
        size_t len = 0, full = 0;
        const char *s = last ? qr_node_text(last, &full) : NULL;
        for (len = full; s && len > 0 && s[len - 1] == ' '; len--)
            ;
        if (s && len > 0 && s[len - 1] == ']')
            S_trim(doc, last, full - len + 1, 1);
    }
    /* the call: the text before it (a space before it dropped: the call
     * hugs its word), the note, the text after it */
    size_t len;
    const char *s = qr_node_text(k->text, &len);
    size_t before = k->at;
    if (before > 0 && s[before - 1] == ' ')
        before--;
    S_insert_after(k->text, nn);
    if (k->at + k->len < len) {
        qr_node *after = qr_node_new(doc, QR_NODE_TEXT);
        qr_node_set_text(doc, after, s + k->at + k->len, len - k->at - k->len);
        S_insert_after(nn, after);
    }
    if (before == 0)
        qr_node_unlink(k->text);
    else
        qr_node_set_text(doc, k->text, s, before);
}

static int S_by_call_desc(const void *a, const void *b)
{
    const S_note *x = a, *y = b;
    return (x->call < y->call) - (x->call > y->call);
}

void qr_text_notes(reader *r, qr_node *from)
{
    if (!from)
        return;
    S_ctx c;
    memset(&c, 0, sizeof c);
    S_collect(&c, from);
    int placed = 0, first_line = 0, listed = 0, first_listed = 0;
    for (int i = 0; i < c.n_notes; i++) {
        const S_note *n = &c.notes[i];
        if (n->call < 0 && n->list) {
            qr_text_note(r, n->line, "a listed note \"%s.\" with no call \"[%s]\" before it in "
                         "the list's order: kept as text", n->label, n->label);
            continue;
        }
        if (n->call < 0) {
            qr_text_note(r, n->line, "a note \"[%s%s]\" with no call before it: kept as text",
                         n->footnote ? "Footnote " : "", n->label);
            continue;
        }
        if (n->list && !listed++)
            first_listed = n->line;
        if (!n->list && !placed++)
            first_line = n->line;
    }
    for (int k = 0; k < c.n_calls; k++)
        if (!c.calls[k].taken)
            qr_text_note(r, c.calls[k].line, "\"[%s]\" has no note after it: kept as text",
                         c.calls[k].label);
    if (placed)
        qr_text_note(r, first_line, "%d footnotes (a call \"[1]\" and its note)", placed);
    if (listed)
        qr_text_note(r, first_listed, "%d footnotes (a call \"[1]\" and its note \"1.\" in a list "
                     "under a notes heading)", listed);
    /* the last call first: splitting a text node keeps the offsets of the
     * calls before it */
    if (c.n_notes > 1)
        qsort(c.notes, (size_t)c.n_notes, sizeof *c.notes, S_by_call_desc);
    for (int i = 0; i < c.n_notes; i++)
        if (c.notes[i].call >= 0)
            S_place(r->doc, &c, &c.notes[i]);
    free(c.calls);
    free(c.notes);
}
