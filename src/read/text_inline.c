/*
 * text_inline.c: step 5 of the plain-text reader: inside paragraphs
 * (joining wrapped lines, typographic quotes and dashes, _emphasis_).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/* Step 5: inside paragraphs ----------------------------------------------- */

static int S_is_word_cp(uint32_t c)
{
    return (c < 0x80 && isalnum((int)c)) || (c >= 0xC0 && c != 0xD7 && c != 0xF7 &&
                                             !(c >= 0x2000 && c <= 0x2BFF) && c != 0x3000 &&
                                             !(c >= 0x3001 && c <= 0x303F));
}

/* Elisions that take an apostrophe, not an opening quote: 'tis, 'em. */
static int S_is_elision(const char *s, size_t len)
{
    static const char *const words[] = {"tis", "twas", "em", "til", "cause", "n", "round"};
    for (size_t k = 0; k < QR_ARRAY_LEN(words); k++) {
        size_t wl = strlen(words[k]);
        if (len >= wl && strncasecmp(s, words[k], wl) == 0 &&
            (len == wl || !isalpha((unsigned char)s[wl])))
            return 1;
    }
    /* '97 */
    return len >= 2 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
           (len == 2 || !isdigit((unsigned char)s[2]));
}

static int S_opens_quote(uint32_t prev)
{
    return prev == 0 || qr_text_is_space(prev) || prev == '\n' || prev == '(' || prev == '[' ||
           prev == '{' || prev == 0x2014 || prev == 0x2013 || prev == '-' || prev == 0x201C ||
           prev == 0x2018 || prev == '/' || prev == '_';
}

void qr_text_smarten(const char *s, size_t len, uint32_t prev, qr_buf *out)
{
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t c = qr_text_cp_at(s, len, i, &n);
        if (c == '"') {
            /* a quote with a space after it closes, even after a space: the
             * French « word » typed as " word " */
            char next = i + 1 < len ? s[i + 1] : ' ';
            int opens = S_opens_quote(prev) && !(prev == ' ' && (next == ' ' || next == ',' ||
                                                                 next == '.' || next == ';'));
            qr_buf_add_utf8(out, opens ? 0x201C : 0x201D);
            prev = opens ? 0x201C : 0x201D;
            i++;
            continue;
        }
        if (c == '\'') {
            uint32_t next = i + 1 < len ? (unsigned char)s[i + 1] : 0;
            uint32_t q;
            if (S_is_word_cp(prev) || prev == '.' || prev == ',' || prev == '!' || prev == '?')
                q = 0x2019; /* apostrophe or closing quote */
            else if (S_opens_quote(prev) && S_is_elision(s + i + 1, len - i - 1))
                q = 0x2019;
            else if (S_opens_quote(prev) && next != ' ' && next != 0)
                q = 0x2018;
            else
                q = 0x2019;
            qr_buf_add_utf8(out, q);
            prev = q;
            i++;
            continue;
        }
        if (c == '-' && i + 1 < len && s[i + 1] == '-') {
            size_t run = 0;
            while (i + run < len && s[i + run] == '-')
                run++;
            for (size_t k = 0; k < (run == 3 ? 1 : run / 2); k++)
                qr_buf_add_utf8(out, 0x2014);
            if (run % 2 && run != 3)
                qr_buf_addc(out, '-');
            prev = 0x2014;
            i += run;
            continue;
        }
        if (c == '.' && i + 2 < len && s[i + 1] == '.' && s[i + 2] == '.') {
            qr_buf_add_utf8(out, 0x2026);
            prev = 0x2026;
            i += 3;
            continue;
        }
        qr_buf_add(out, s + i, (size_t)n);
        prev = c;
        i += (size_t)n;
    }
}

/*
 * Appends line i's text to buf, joined to what is there: a space between
 * words, none next to CJK characters or after a hyphen or dash ending the
 * line (Gutenberg texts do not break words at line ends: "sub-" + "sub").
 */
void qr_text_join_line(const reader *r, int i, qr_buf *buf)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    if (buf->len > 0 && buf->ptr[buf->len - 1] != '\n' && l > 0) {
        uint32_t last = qr_text_last_cp(buf->ptr, buf->len);
        int n;
        uint32_t first = qr_text_cp_at(t, l, 0, &n);
        int hyphen = last == '-' && buf->len >= 2 && isalpha((unsigned char)buf->ptr[buf->len - 2]);
        /* a dash spaced on its left is spaced on its right too: "Wetter --"
         * + "man" is "Wetter -- man"; "word--" + "word" stays closed up */
        size_t d = buf->len;
        while (d > 0 && buf->ptr[d - 1] == '-')
            d--;
        if (d == buf->len && last == 0x2014)
            d -= 3;
        int spaced_dash = d < buf->len && d > 0 && buf->ptr[d - 1] == ' ';
        if (spaced_dash || !(qr_text_is_cjk(last) || qr_text_is_cjk(first) || hyphen ||
                             last == 0x2014 ||
                             (last == '-' && buf->len >= 2 && buf->ptr[buf->len - 2] == '-')))
            qr_buf_addc(buf, ' ');
    }
    qr_buf_add(buf, t, l);
}

/* Emphasis nests at most this deep: a run of underscores could nest it
 * without end ("_a _a _a b___"), and the recursion with it. */
#define S_EMPH_DEPTH 8

/* The first closing underscore in s[from..len): after a non-space, before a
 * non-word; len if there is none. Whether a '_' closes does not depend on
 * where the emphasis opened. */
static size_t S_find_closer(const char *s, size_t len, size_t from)
{
    for (size_t j = from; j < len; j++) {
        if (s[j] != '_' || j == 0)
            continue;
        int n;
        uint32_t after = j + 1 < len ? qr_text_cp_at(s, len, j + 1, &n) : 0;
        if (s[j - 1] != ' ' && s[j - 1] != '\n' && !S_is_word_cp(after) && after != '_')
            return j;
    }
    return len;
}

/* Emits text with _emphasis_ and '\n' as line breaks; depth counts the
 * emphases s is inside. */
static void S_emit_inlines(reader *r, const char *s, size_t len, int depth)
{
    size_t run = 0;    /* start of pending plain text */
    size_t closer = 0; /* the first closer after an earlier opener, or len */
    int scanned = 0;   /* whether `closer` was looked for */
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            qr_builder_text(&r->b, s + run, i - run);
            qr_builder_enter(&r->b, QR_NODE_LINE_BREAK);
            run = i + 1;
            continue;
        }
        if (s[i] != '_' || r->verbatim || depth >= S_EMPH_DEPTH)
            continue;
        /* an opening underscore: not inside a word, before a non-space */
        uint32_t before = i > 0 ? qr_text_last_cp(s, i) : 0;
        if (S_is_word_cp(before) || before == '_' || i + 1 >= len || s[i + 1] == ' ' ||
            s[i + 1] == '_' || s[i + 1] == '\n')
            continue;
        /* A closer found for an earlier opener, if still ahead, is this
         * one's too: there was none between. Each byte is scanned once, not
         * once per opener (a paragraph of "_a _a _a ..." took quadratic time). */
        if (!scanned || closer <= i) {
            closer = S_find_closer(s, len, i + 1);
            scanned = 1;
        }
        size_t j = closer;
        if (j >= len)
            continue;
        qr_builder_text(&r->b, s + run, i - run);
        qr_builder_enter(&r->b, QR_NODE_EMPH);
        S_emit_inlines(r, s + i + 1, j - i - 1, depth + 1);
        qr_builder_leave(&r->b);
        i = j;
        run = j + 1;
    }
    qr_builder_text(&r->b, s + run, len - run);
}

/* Emits s as inlines, made typographic unless verbatim. */
/*
 * Rewrites the double quotes curled the English way (“ ”) in the way of
 * the book's language: „…“ in German, « … » in French, with the narrow
 * no-break space French puts inside them (replacing a space typed there).
 */
static void S_language_quotes(const char *lang, qr_buf *s)
{
    int de = lang && strncmp(lang, "de", 2) == 0 && (!lang[2] || lang[2] == '-');
    int fr = lang && strncmp(lang, "fr", 2) == 0 && (!lang[2] || lang[2] == '-');
    if (!de && !fr)
        return;
    qr_buf out = QR_BUF_INIT;
    for (size_t i = 0; i < s->len;) {
        int open = s->len - i >= 3 && memcmp(s->ptr + i, "\xE2\x80\x9C", 3) == 0;
        int close = s->len - i >= 3 && memcmp(s->ptr + i, "\xE2\x80\x9D", 3) == 0;
        if (!open && !close) {
            qr_buf_addc(&out, s->ptr[i++]);
            continue;
        }
        i += 3;
        if (de) {
            qr_buf_adds(&out, open ? "\xE2\x80\x9E" : "\xE2\x80\x9C");
        } else if (open) {
            qr_buf_adds(&out, "\xC2\xAB\xE2\x80\xAF");
            if (i < s->len && s->ptr[i] == ' ')
                i++;
        } else {
            if (out.len > 0 && out.ptr[out.len - 1] == ' ')
                out.len--;
            qr_buf_adds(&out, "\xE2\x80\xAF\xC2\xBB");
        }
    }
    qr_buf_reset(s);
    qr_buf_add(s, out.ptr ? out.ptr : "", out.len);
    qr_buf_release(&out);
}

void qr_text_emit_text(reader *r, const char *s, size_t len)
{
    if (r->verbatim) {
        S_emit_inlines(r, s, len, 0);
        return;
    }
    qr_buf smart = QR_BUF_INIT;
    qr_text_smarten(s, len, 0, &smart);
    S_language_quotes(qr_doc_meta(r->doc)->language, &smart);
    S_emit_inlines(r, smart.ptr, smart.len, 0);
    qr_buf_release(&smart);
}
