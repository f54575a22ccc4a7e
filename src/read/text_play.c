/*
 * text_play.c: plays in the plain-text reader (found after step 4, used
 * while building): speeches, their speakers' labels, stage directions.
 *
 * A text is a play when many of its paragraphs open with a speaker's name
 * and a small set of names, each recurring, opens nearly all of them.
 * Speakers' names come in two layouts, told by their shape:
 *   - alone on a line in capitals over the speech ("LEONATO." over "I learn
 *     in this letter..."), possibly with a direction after it in brackets
 *     ("BALTHASAR [sings.]");
 *   - run in: a capitalised word or two and a full stop opening a line,
 *     indented or opening a paragraph ("  Fran. Nay answer me: Stand"), a
 *     paragraph holding several speeches.
 * The layout with more speeches is the play's. A stage direction is a
 * paragraph (or a line between speeches) wholly in brackets or in
 * underscored italics, or one opening with the words of the stage: Enter,
 * Exit, Exeunt, Manet, Re-enter.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

enum { S_FORM_CAPS = 1, S_FORM_RUNIN = 2 };

/* Whether s[0..len) is letters of roman numerals alone ("IV."): a
 * section's number, not a name. */
static int S_roman_only(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr("IVXLCDM. ", s[i]))
            return 0;
    return 1;
}

/*
 * A speaker's name in capitals alone on its line: the name's length (a
 * direction in brackets may follow it), or 0. At most four words, no
 * lower-case letter, a full stop only at its end.
 */
static size_t S_caps_name(const char *s, size_t len)
{
    size_t end = len;
    const char *br = memchr(s, '[', len);
    if (br) {
        if (s[len - 1] != ']')
            return 0;
        end = (size_t)(br - s);
        while (end > 0 && s[end - 1] == ' ')
            end--;
    }
    if (end < 2 || end > 40 || S_roman_only(s, end))
        return 0;
    int words = 1, letters = 0;
    for (size_t i = 0; i < end; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ')
            words += i > 0 && s[i - 1] != ' ';
        else if (isupper(c))
            letters++;
        else if (c == '.' && i + 1 < end)
            return 0;
        else if (!(c >= 0x80 || c == '.' || c == '\'' || c == '-' || c == '&'))
            return 0;
    }
    /* a multibyte letter may be lower case: É is C3 89, é C3 A9 */
    for (size_t i = 0; i + 1 < end; i++)
        if ((unsigned char)s[i] == 0xC3 && (unsigned char)s[i + 1] >= 0x9F)
            return 0;
    return letters >= 2 && words <= 4 ? end : 0;
}

/* Whether the word of the stage opens s ("Enter", "Exit", "Exeunt"...). */
int qr_text_stage_word(const char *s, size_t len)
{
    static const char *const words[] = {"Enter", "Exit", "Exeunt", "Manet", "Re-enter", "Reenter"};
    for (size_t k = 0; k < QR_ARRAY_LEN(words); k++) {
        size_t n = strlen(words[k]);
        if (len >= n && strncmp(s, words[k], n) == 0 &&
            (len == n || s[n] == ' ' || s[n] == '.' || s[n] == ','))
            return 1;
    }
    return 0;
}

/*
 * A speaker's name run in at the start of line i: one or two capitalised
 * words and a full stop, then the speech, on a line that is indented or
 * opens its paragraph. Returns the length of the name with its stop (in
 * the trimmed line), or 0.
 */
static size_t S_runin_name(const reader *r, int i, int opens_block)
{
    if (!opens_block && (r->lines[i].len == 0 || r->lines[i].s[0] != ' '))
        return 0;
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    size_t k = 0;
    for (int words = 0;; words++) {
        if (k >= l || !isupper((unsigned char)t[k]) || words == 2)
            return 0;
        while (k < l && isalpha((unsigned char)t[k]))
            k++;
        if (k < l && t[k] == '.')
            break;
        if (k + 1 < l && t[k] == ' ')
            k++;
        else
            return 0;
    }
    k++; /* the stop */
    if (k < 3 || k > 20 || k + 1 >= l || t[k] != ' ' || S_roman_only(t, k) ||
        qr_text_stage_word(t, k))
        return 0;
    return k;
}

/* The name's key for counting: ASCII upper-cased, the stop dropped. */
static void S_key(const char *s, size_t len, char *key, size_t cap)
{
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ' '))
        len--;
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++)
        key[i] = (char)toupper((unsigned char)s[i]);
    key[n] = '\0';
}

/* Whether text opening with s (first line) and ending with e (last line)
 * is a stage direction. */
static int S_stage_text(const char *s, size_t sl, const char *e, size_t el)
{
    if (sl == 0 || el == 0)
        return 0;
    if (s[0] == '[' && e[el - 1] == ']')
        return 1;
    if (s[0] == '_' && (e[el - 1] == '_' || (el >= 2 && e[el - 2] == '_' && e[el - 1] == '.')))
        return 1;
    return qr_text_stage_word(s, sl);
}

static int S_stage_block(const reader *r, const block *b)
{
    if (b->last - b->first >= 6)
        return 0;
    size_t sl, el;
    const char *s = qr_text_line(r, b->first, &sl);
    const char *e = qr_text_line(r, b->last, &el);
    return S_stage_text(s, sl, e, el);
}

/* Whether the block opens a speech in the play's layout. */
static int S_opens_speech(const reader *r, const block *b)
{
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    if (r->play == S_FORM_CAPS)
        return b->last > b->first && S_caps_name(t, l) > 0;
    return S_runin_name(r, b->first, !r->runin_indented) > 0;
}

typedef struct name_count {
    char key[48];
    int n, line;
} name_count;

/* Counts one speech of `key` at line `no`. */
static void S_count(name_count **names, int *n_names, const char *s, size_t len, int no)
{
    char key[48];
    S_key(s, len, key, sizeof key);
    for (int i = 0; i < *n_names; i++)
        if (strcmp((*names)[i].key, key) == 0) {
            (*names)[i].n++;
            return;
        }
    *names = xrealloc(*names, sizeof **names * (size_t)(*n_names + 1));
    name_count *c = &(*names)[(*n_names)++];
    memcpy(c->key, key, sizeof key);
    c->n = 1;
    c->line = no;
}

void qr_text_find_play(reader *r, const block_kind *kinds)
{
    name_count *names[3] = {NULL, NULL, NULL};
    int n_names[3] = {0, 0, 0}, count[3] = {0, 0, 0}, first[3] = {0, 0, 0};
    int lines = 0, indented = 0;
    for (int k = 0; k < r->n_blocks; k++) {
        const block *b = &r->blocks[k];
        lines += b->last - b->first + 1;
        if (kinds[k] != B_PARA)
            continue;
        size_t l;
        const char *t = qr_text_line(r, b->first, &l);
        size_t n = b->last > b->first ? S_caps_name(t, l) : 0;
        if (n > 0) {
            if (!count[S_FORM_CAPS]++)
                first[S_FORM_CAPS] = r->lines[b->first].no;
            S_count(&names[S_FORM_CAPS], &n_names[S_FORM_CAPS], t, n, r->lines[b->first].no);
        }
        for (int i = b->first; i <= b->last; i++) {
            size_t m = S_runin_name(r, i, i == b->first);
            if (m == 0)
                continue;
            indented += r->lines[i].s[0] == ' ';
            t = qr_text_line(r, i, &l);
            if (!count[S_FORM_RUNIN]++)
                first[S_FORM_RUNIN] = r->lines[i].no;
            S_count(&names[S_FORM_RUNIN], &n_names[S_FORM_RUNIN], t, m, r->lines[i].no);
        }
    }
    int f = count[S_FORM_RUNIN] > count[S_FORM_CAPS] ? S_FORM_RUNIN : S_FORM_CAPS;
    int c = count[f], recurring = 0, speakers = 0;
    for (int i = 0; i < n_names[f]; i++)
        if (names[f][i].n >= 3) {
            recurring += names[f][i].n;
            speakers++;
        }
    const char *layout = f == S_FORM_CAPS ? "names in capitals on lines of their own"
                                          : "names run in with a full stop";
    if (c >= 20 && c * 12 >= lines && recurring * 10 >= c * 9 && n_names[f] * 4 <= c) {
        r->play = f;
        /* where nearly every run-in name is indented, one that is not is
         * a line of the speech ("Affront Ophelia. Her Father...") */
        r->runin_indented = f == S_FORM_RUNIN && indented * 10 >= c * 9;
        qr_text_note(r, first[f],
                     "a play: %d speeches, %d by %d recurring speakers (%s, one speech in %d "
                     "lines or more often)",
                     c, recurring, speakers, layout, c ? lines / c : 0);
        for (int i = 0; i < n_names[f]; i++)
            if (names[f][i].n >= 3)
                qr_text_note(r, names[f][i].line, "speaker: \"%s\" (%d speeches)", names[f][i].key,
                             names[f][i].n);
    } else if (c >= 20) {
        qr_text_note(r, first[f], "not a play: %d lines open like speeches (%s), but %s", c, layout,
                     c * 12 < lines           ? "too few for the length of the text"
                     : recurring * 10 < c * 9 ? "their names do not recur"
                                              : "too many names");
    }
    for (int i = 1; i < 3; i++)
        free(names[i]);
}

void qr_text_close_speech(reader *r)
{
    if (r->in_speech) {
        qr_builder_leave(&r->b);
        r->in_speech = 0;
    }
}

static void S_open_speech(reader *r, int line_no, const char *name, size_t len)
{
    qr_text_close_speech(r);
    qr_builder_set_pos(&r->b, r->file, line_no);
    qr_builder_enter(&r->b, QR_NODE_SPEECH);
    r->in_speech = 1;
    qr_builder_enter(&r->b, QR_NODE_SPEAKER);
    qr_text_emit_text(r, name, len);
    qr_builder_leave(&r->b);
}

/* A stage direction: lines [first, last], or the text s. */
static void S_stage(reader *r, int first, int last, const char *s, size_t len)
{
    qr_buf text = QR_BUF_INIT;
    if (s)
        qr_buf_add(&text, s, len);
    for (int i = first; !s && i <= last; i++)
        qr_text_join_line(r, i, &text);
    qr_builder_set_pos(&r->b, r->file, r->lines[first].no);
    qr_builder_enter(&r->b, QR_NODE_STAGE);
    qr_text_emit_text(r, text.ptr, text.len);
    qr_builder_leave(&r->b);
    qr_buf_release(&text);
    if (r->n_stage++ == 0)
        r->stage_line = r->lines[first].no;
}

/* The speech's text, lines [first, last]: paragraphs or verse. */
static void S_text(reader *r, const block *b, int first, int last)
{
    if (first > last)
        return;
    block part = {first, last, b->gap};
    qr_text_emit_paragraphs(r, &part, first);
}

void qr_text_emit_play_block(reader *r, const block_kind *kinds, int k)
{
    const block *b = &r->blocks[k];
    if (S_stage_block(r, b)) {
        /* between speeches, or inside one that goes on after it */
        const block *next = k + 1 < r->n_blocks ? &r->blocks[k + 1] : NULL;
        if (!next || kinds[k + 1] != B_PARA || S_opens_speech(r, next) || S_stage_block(r, next))
            qr_text_close_speech(r);
        S_stage(r, b->first, b->last, NULL, 0);
        return;
    }
    int from = b->first;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    size_t n;
    if (r->play == S_FORM_CAPS && b->last > b->first && (n = S_caps_name(t, l)) > 0) {
        S_open_speech(r, r->lines[b->first].no, t, n);
        size_t d = n;
        while (d < l && t[d] == ' ')
            d++;
        if (d < l) /* "BALTHASAR [sings.]" */
            S_stage(r, b->first, b->first, t + d, l - d);
        from++;
    }
    int seg = from;
    for (int i = from; i <= b->last; i++) {
        t = qr_text_line(r, i, &l);
        if (r->play == S_FORM_RUNIN &&
            (n = S_runin_name(r, i, i == b->first && !r->runin_indented)) > 0) {
            S_text(r, b, seg, i - 1);
            S_open_speech(r, r->lines[i].no, t, n);
            /* the speech starts after the name on the same line */
            size_t d = (size_t)(t - r->lines[i].s) + n;
            while (d < r->lines[i].len && r->lines[i].s[d] == ' ')
                d++;
            r->lines[i].s += d;
            r->lines[i].len -= d;
            seg = i;
        } else if (b->last > b->first && S_stage_text(t, l, t, l)) {
            S_text(r, b, seg, i - 1);
            S_stage(r, i, i, NULL, 0);
            seg = i + 1;
        }
    }
    S_text(r, b, seg, b->last);
}
