/*
 * text_letters.c: step 8 of the plain-text reader: the lines of letters and
 * diaries that keep a line of their own (paragraph roles, doc.h): the
 * dateline, the salutation, the closing and the signature.
 *
 * Known by their shape and their place, as an editor knows them, not by a
 * book's words:
 *   - a dateline is a short paragraph that reads as a date: a month's name
 *     and a number ("Vienna, May 4, 1810.", "Feb. 23, 1817."), or a
 *     weekday's name ("Monday, 3rd.");
 *   - a salutation is the short line that opens a letter (after a heading,
 *     a break, a line ending with a colon, or the short lines of its address
 *     and date) and ends with a comma, an exclamation mark or a colon, the
 *     letter's text following ("My dear Sir,", "DEAR FRIEND!", "SIR,--");
 *   - a signature is a short line of capitalised words the sentence before
 *     it runs into ("...your friend," or "Your" over "BEETHOVEN."), or a line
 *     in capitals that ends a letter before a break; the short line before
 *     it that runs into it is the closing ("As ever, your true friend,").
 * And the book's own title page: its lines centred (S_title_page).
 * Read on the tree once the body is built (and its notes placed).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

enum { S_SHORT = 60, S_NAME = 40 };

/* The last non-space byte of s[0..len), or 0. */
static char S_last(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n'))
        len--;
    return len ? s[len - 1] : 0;
}

/* Whether s[0..len) ends with a comma (before a dash: ",--", ",—"). */
static int S_ends_comma(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '-'))
        len--;
    if (len >= 3 && memcmp(s + len - 3, "\xE2\x80\x94", 3) == 0)
        len -= 3;
    return len > 0 && s[len - 1] == ',';
}

static int S_words(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            n++;
    return n;
}

int qr_text_runs_into(const reader *r, const block *prev, const block *b, int numeral)
{
    size_t l, pl;
    const char *t = qr_text_line(r, b->last, &l);
    if (S_ends_comma(t, l))
        return 1;
    if (b->gap > 1 || b->first != b->last)
        return 0;
    const char *p = qr_text_line(r, prev->last, &pl);
    if (S_ends_comma(p, pl))
        return 1;
    /* "Your" over "L. VAN BEETHOVEN.": one word, under a numeral heading
     * only ("The Frog King" over "CHAPTER I." ends on a word too) */
    return numeral && prev->first == prev->last && S_words(p, pl) == 1 && pl > 0 &&
           islower((unsigned char)p[pl - 1]);
}

/* The paragraph's text (notes apart) into out, trimmed. */
static void S_text(const qr_node *p, qr_buf *out)
{
    qr_buf_reset(out);
    qr_node_plain_text(p, out);
    size_t a = 0, e = out->len;
    while (a < e && out->ptr[a] == ' ')
        a++;
    while (e > a && out->ptr[e - 1] == ' ')
        e--;
    memmove(out->ptr, out->ptr + a, e - a);
    out->len = e - a;
    out->ptr[out->len] = '\0';
}

/* Columns, counting a UTF-8 character as one. */
static size_t S_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Whether the word at s is a month's or a weekday's name (English, French,
 * German), or a month's abbreviation with its full stop ("Feb."). */
static int S_calendar_word(const char *s, size_t len, int *weekday)
{
    static const char *const months[] = {
        "january", "february",  "march",    "april",    "may",      "june",    "july",
        "august",  "september", "october",  "november", "december", "janvier", "février",
        "mars",    "avril",     "mai",      "juin",     "juillet",  "août",    "septembre",
        "octobre", "novembre",  "décembre", "januar",   "februar",  "märz",    "juni",
        "juli",    "oktober",   "dezember"};
    static const char *const days[] = {
        "monday", "tuesday",  "wednesday", "thursday",   "friday",   "saturday", "sunday",
        "lundi",  "mardi",    "mercredi",  "jeudi",      "vendredi", "samedi",   "dimanche",
        "montag", "dienstag", "mittwoch",  "donnerstag", "freitag",  "samstag",  "sonntag"};
    size_t wl = 0;
    while (wl < len && (isalpha((unsigned char)s[wl]) || (unsigned char)s[wl] >= 0x80))
        wl++;
    *weekday = 0;
    for (size_t k = 0; k < QR_ARRAY_LEN(days); k++)
        if (strlen(days[k]) == wl && strncasecmp(s, days[k], wl) == 0)
            return *weekday = 1;
    for (size_t k = 0; k < QR_ARRAY_LEN(months); k++) {
        size_t ml = strlen(months[k]);
        if (ml == wl && strncasecmp(s, months[k], wl) == 0)
            return 1;
        /* "Feb.", "Sept." */
        if (wl >= 3 && wl < ml && wl < len && s[wl] == '.' && strncasecmp(s, months[k], wl) == 0)
            return 1;
    }
    return 0;
}

/* A date: a month's name and a number, or a weekday's name; no question,
 * no more than eight words. */
int qr_text_dateline(const char *s, size_t len)
{
    if (len == 0 || S_width(s, len) > S_SHORT || S_words(s, len) > 8 || memchr(s, '?', len) ||
        memchr(s, '"', len) || S_last(s, len) == ':')
        return 0;
    int month = 0, day = 0, digit = 0;
    for (size_t i = 0; i < len; i++) {
        if (isdigit((unsigned char)s[i]))
            digit = 1;
        int wd;
        if ((i == 0 || !isalpha((unsigned char)s[i - 1])) && isalpha((unsigned char)s[i]) &&
            S_calendar_word(s + i, len - i, &wd)) {
            if (wd)
                day = 1;
            else
                month = 1;
        }
    }
    return (month && digit) || day;
}

/* Whether a short line reads as a name: its words capitalised, or initials,
 * or short particles ("L. VAN BEETHOVEN.", "Victor Frankenstein"). */
static int S_name_like(const char *s, size_t len)
{
    int letters = 0;
    for (size_t i = 0; i < len; i++)
        letters += isalpha((unsigned char)s[i]) != 0;
    if (len == 0 || letters < 2 || S_width(s, len) > S_NAME || S_words(s, len) > 6)
        return 0;
    char last = S_last(s, len);
    if (last == '?' || last == '!' || last == ':' || last == ';' || memchr(s, '"', len))
        return 0;
    /* "MY DEAR SON,—" opens a letter */
    if (S_ends_comma(s, len) && last != ',')
        return 0;
    size_t i = 0;
    while (i < len && (s[i] == '_' || s[i] == '('))
        i++;
    if (i >= len || !(isupper((unsigned char)s[i]) || (unsigned char)s[i] >= 0xC0))
        return 0;
    for (size_t k = i; k < len; k++) {
        if (k > 0 && s[k - 1] == ' ' && isalpha((unsigned char)s[k]) &&
            islower((unsigned char)s[k])) {
            size_t w = k;
            while (w < len && isalpha((unsigned char)s[w]))
                w++;
            if (w - k > 3) /* "van", "de", "von" */
                return 0;
        }
    }
    return 1;
}

static int S_capitals(const char *s, size_t len)
{
    int upper = 0;
    for (size_t i = 0; i < len; i++) {
        if (islower((unsigned char)s[i]))
            return 0;
        upper += isupper((unsigned char)s[i]) != 0;
    }
    return upper >= 2;
}

/* A salutation's end: a comma, an exclamation mark or a colon, before a
 * dash or not ("Sir,--", "DEAR FRIEND!", "Gentlemen:"). */
static int S_salutation_end(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '-'))
        len--;
    if (len >= 3 && memcmp(s + len - 3, "\xE2\x80\x94", 3) == 0)
        len -= 3;
    return len > 0 && (s[len - 1] == ',' || s[len - 1] == '!' || s[len - 1] == ':');
}

static int S_salutation(const char *s, size_t len)
{
    if (len == 0 || S_width(s, len) > S_SHORT || S_words(s, len) > 8 || !S_salutation_end(s, len))
        return 0;
    /* a line of dialogue is no salutation */
    unsigned char c = (unsigned char)s[0];
    if (c == '"' || c == '\'' ||
        (c == 0xE2 && len > 2 && (unsigned char)s[1] == 0x80 &&
         ((unsigned char)s[2] == 0x9C || (unsigned char)s[2] == 0x98)))
        return 0;
    /* "DEAR FRIEND!", not a headline's "There's More to Follow!" */
    if (S_last(s, len) == '!' && S_words(s, len) > 3)
        return 0;
    return isupper(c) || c >= 0xC0;
}

static void S_set(reader *r, qr_node *p, qr_para_role role, const char *text, int *counts)
{
    /* "Yours," over the name: the closing, not the signature */
    if (role == QR_PARA_CLOSING && qr_node_para_role(p) == QR_PARA_SIGNATURE) {
        counts[QR_PARA_SIGNATURE]--;
        qr_node_set_para_role(p, QR_PARA_PROSE);
    }
    if (qr_node_para_role(p) != QR_PARA_PROSE)
        return;
    qr_node_set_para_role(p, role);
    counts[role]++;
    int ln;
    qr_node_source(p, &ln);
    size_t l = strlen(text);
    qr_text_note(r, ln, "%s: \"%.*s%s\"", qr_para_role_name(role), l > 50 ? 50 : (int)l, text,
                 l > 50 ? "..." : "");
}

/* A line in capitals that ends a letter: `last`, the piece's last
 * paragraph, short, a name's shape, after the letter's text (a long
 * paragraph). Only a letter has one: a caps line closing a piece that did
 * not open as a letter is its next document's heading ("LOG OF THE
 * SHIP." before a break). */
static void S_letter_end(reader *r, qr_node *last, int letter, int *counts, qr_buf *t, qr_buf *u)
{
    if (!letter || !last || qr_node_get_type(last) != QR_NODE_PARAGRAPH || !qr_node_prev(last) ||
        qr_node_get_type(qr_node_prev(last)) != QR_NODE_PARAGRAPH)
        return;
    S_text(last, t);
    S_text(qr_node_prev(last), u);
    if (S_name_like(t->ptr, t->len) && S_capitals(t->ptr, t->len) && S_words(t->ptr, t->len) <= 4 &&
        S_width(u->ptr, u->len) > S_SHORT)
        S_set(r, last, QR_PARA_SIGNATURE, t->ptr, counts);
}

/* Whether the chapter opens as a letter: a dateline or a salutation among
 * its first short paragraphs, before its text. */
static int S_opens_as_letter(qr_node *ch, qr_buf *t)
{
    int k = 0;
    for (qr_node *n = qr_node_first_child(ch); n && k < 6; n = qr_node_next(n)) {
        if (qr_node_get_type(n) != QR_NODE_PARAGRAPH)
            continue;
        k++;
        S_text(n, t);
        if (qr_text_dateline(t->ptr, t->len) || S_salutation(t->ptr, t->len))
            return 1;
        if (S_width(t->ptr, t->len) > S_SHORT)
            return 0;
    }
    return 0;
}

/* The roles in one chapter's blocks (`last`: the book's last chapter). In
 * a book of letters (`letters`: most chapters open as one), a piece under
 * a heading is a letter; else, and after a break, a piece is one when it
 * opens as one. */
static void S_chapter(reader *r, qr_node *ch, int letters, int last, int *counts)
{
    qr_buf t = QR_BUF_INIT, u = QR_BUF_INIT;
    /* the letter's opening: after a boundary, its short lines, then its text */
    int boundary = 1, run = 0;
    int letter = letters; /* the piece read is a letter */
    qr_node *prev = NULL; /* the block before, or NULL */
    for (qr_node *n = qr_node_first_child(ch); n; prev = n, n = qr_node_next(n)) {
        qr_node_type type = qr_node_get_type(n);
        if (type != QR_NODE_PARAGRAPH) {
            boundary = type == QR_NODE_HEADING || type == QR_NODE_SCENE_BREAK;
            run = 0;
            /* a piece ends before a break or a heading */
            if (boundary) {
                S_letter_end(r, prev, letter, counts, &t, &u);
                letter = type == QR_NODE_HEADING && letters;
            }
            continue;
        }
        S_text(n, &t);
        size_t w = S_width(t.ptr, t.len);
        if (qr_text_dateline(t.ptr, t.len)) {
            S_set(r, n, QR_PARA_DATELINE, t.ptr, counts);
            letter = 1;
        }
        /* the signature: the sentence before runs into it */
        if (prev && qr_node_get_type(prev) == QR_NODE_PARAGRAPH && S_name_like(t.ptr, t.len) &&
            qr_node_para_role(n) == QR_PARA_PROSE) {
            S_text(prev, &u);
            int short_prev = S_width(u.ptr, u.len) <= S_SHORT;
            if (S_ends_comma(u.ptr, u.len) || (short_prev && S_words(u.ptr, u.len) <= 3 &&
                                               islower((unsigned char)S_last(u.ptr, u.len)))) {
                S_set(r, n, QR_PARA_SIGNATURE, t.ptr, counts);
                if (short_prev)
                    S_set(r, prev, QR_PARA_CLOSING, u.ptr, counts);
            }
        }
        if (w <= S_SHORT) {
            /* the letter's address, date and salutation: a few short lines;
             * a dateline opens a letter, with the short line before it */
            int dated = qr_node_para_role(n) == QR_PARA_DATELINE;
            if (dated && run == 0 && prev && qr_node_get_type(prev) == QR_NODE_PARAGRAPH) {
                S_text(prev, &u);
                run = S_width(u.ptr, u.len) <= S_SHORT ? 2 : 1;
            } else {
                run = (boundary || dated || run > 0) && run < 5 ? run + 1 : 0;
            }
        } else {
            /* the text of a letter: the last of the short lines opening it
             * that reads as one is its salutation (before or after the
             * dateline) */
            qr_node *q = prev;
            for (int k = 0; k < run && q && qr_node_get_type(q) == QR_NODE_PARAGRAPH;
                 k++, q = qr_node_prev(q)) {
                if (qr_node_para_role(q) != QR_PARA_PROSE)
                    continue;
                S_text(q, &u);
                if (S_salutation(u.ptr, u.len)) {
                    S_set(r, q, QR_PARA_SALUTATION, u.ptr, counts);
                    letter = 1;
                }
                break;
            }
            run = 0;
        }
        /* a paragraph ending with a colon introduces a letter */
        boundary = S_last(t.ptr, t.len) == ':';
    }
    /* and at the chapter's end, but for the book's where the piece is no
     * letter by the book's habit: its last line in capitals closes the
     * book ("THE END") */
    if (!last || letters)
        S_letter_end(r, prev, letter, counts, &t, &u);
    qr_buf_release(&t);
    qr_buf_release(&u);
}

/* Whether paragraph text t begins the book's title, or the title begins
 * it ("BEETHOVEN'S LETTERS." and "Beethoven's Letters 1790-1826 Vol. 2"). */
static int S_is_title(const reader *r, const qr_buf *t)
{
    const char *title = qr_doc_meta_const(r->doc)->title;
    if (!title || t->len == 0)
        return 0;
    qr_buf a = QR_BUF_INIT, b = QR_BUF_INIT;
    qr_text_normalize(t->ptr, t->len, &a);
    qr_text_normalize(title, strlen(title), &b);
    size_t n = a.len < b.len ? a.len : b.len;
    int same = n >= 2 && a.len && b.len && strncmp(a.ptr, b.ptr, n) == 0;
    qr_buf_release(&a);
    qr_buf_release(&b);
    return same;
}

/*
 * The book's own title page: the front matter's opening lines, from the
 * one that reads as the book's title (after a frontispiece's bracketed
 * line) to the first paragraph of prose or list: short paragraphs of a
 * few lines, the title, its subtitle, the author, the publisher, a
 * dedication. Set centred, as printed, not as indented text.
 */
static void S_title_page(reader *r, qr_node *ch, int *counts)
{
    if (qr_node_chapter_kind(ch) != QR_CHAPTER_FRONT)
        return;
    qr_buf t = QR_BUF_INIT;
    int found = 0;
    for (qr_node *n = qr_node_first_child(ch); n; n = qr_node_next(n)) {
        if (qr_node_get_type(n) != QR_NODE_PARAGRAPH)
            break;
        S_text(n, &t);
        int breaks = 0;
        for (qr_node *c = qr_node_first_child(n); c; c = qr_node_next(c))
            breaks += qr_node_get_type(c) == QR_NODE_LINE_BREAK;
        if (!found && t.len > 0 && t.ptr[0] == '[' && S_last(t.ptr, t.len) == ']')
            continue; /* "[Frontispiece: ...]" */
        if (!found && !(found = S_is_title(r, &t)))
            break;
        /* prose ends it: a long paragraph mostly in lower case */
        int lower = 0, upper = 0;
        for (size_t i = 0; i < t.len; i++) {
            lower += islower((unsigned char)t.ptr[i]) != 0;
            upper += isupper((unsigned char)t.ptr[i]) != 0;
        }
        size_t w = S_width(t.ptr, t.len);
        if (w > 160 || breaks > 4 || (w > 80 && lower > upper))
            break;
        qr_node_set_para_role(n, QR_PARA_TITLE_PAGE);
        counts[QR_PARA_TITLE_PAGE]++;
    }
    qr_buf_release(&t);
}

void qr_text_letters(reader *r, qr_node *from)
{
    int counts[QR_PARA_TITLE_PAGE + 1] = {0};
    if (from)
        S_title_page(r, from, counts);
    if (counts[QR_PARA_TITLE_PAGE] > 0) {
        int ln = 0;
        qr_node_source(qr_node_first_child(from), &ln);
        qr_text_note(r, ln, "the book's own title page: %d lines, centred",
                     counts[QR_PARA_TITLE_PAGE]);
    }
    /* a book of letters: most of its chapters open as one */
    int chapters = 0, opening = 0;
    qr_buf t = QR_BUF_INIT;
    for (qr_node *ch = from; ch; ch = qr_node_next(ch))
        if (qr_node_chapter_kind(ch) == QR_CHAPTER_BODY) {
            chapters++;
            opening += S_opens_as_letter(ch, &t);
        }
    qr_buf_release(&t);
    int letters = chapters >= 3 && opening * 2 > chapters;
    qr_node *end = NULL; /* the book's last chapter */
    for (qr_node *ch = from; ch; ch = qr_node_next(ch))
        if (qr_node_chapter_kind(ch) != QR_CHAPTER_BACK)
            end = ch;
    for (qr_node *ch = from; ch; ch = qr_node_next(ch))
        if (qr_node_chapter_kind(ch) != QR_CHAPTER_BACK)
            S_chapter(r, ch, letters && qr_node_chapter_kind(ch) == QR_CHAPTER_BODY, ch == end,
                      counts);
    if (counts[QR_PARA_DATELINE] + counts[QR_PARA_SALUTATION] + counts[QR_PARA_SIGNATURE] > 0) {
        int ln = 0;
        if (from)
            qr_node_source(from, &ln);
        qr_text_note(r, ln, "letters: %d datelines, %d salutations, %d closings, %d signatures",
                     counts[QR_PARA_DATELINE], counts[QR_PARA_SALUTATION], counts[QR_PARA_CLOSING],
                     counts[QR_PARA_SIGNATURE]);
    }
}
