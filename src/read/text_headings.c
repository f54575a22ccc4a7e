/*
 * text_headings.c: step 4 of the plain-text reader: what each block is
 * (heading of a part, chapter or section, scene break, paragraph).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/* Step 4: headings --------------------------------------------------------- */

static const char *const number_words[] = {
    "ONE",      "TWO",       "THREE",     "FOUR",     "FIVE",      "SIX",      "SEVEN",
    "EIGHT",    "NINE",      "TEN",       "ELEVEN",   "TWELVE",    "THIRTEEN", "FOURTEEN",
    "FIFTEEN",  "SIXTEEN",   "SEVENTEEN", "EIGHTEEN", "NINETEEN",  "TWENTY",   "FIRST",
    "SECOND",   "THIRD",     "FOURTH",    "FIFTH",    "SIXTH",     "SEVENTH",  "EIGHTH",
    "NINTH",    "TENTH",     "ELEVENTH",  "TWELFTH",  "LAST",      "FINAL",
};

/* Length of a number at s: arabic, roman (either case), or a number word;
 * 0 if there is none. The number must end at a word boundary. */
static size_t S_number(const char *s, size_t len, int *roman)
{
    size_t i = 0;
    *roman = 0;
    while (i < len && isdigit((unsigned char)s[i]))
        i++;
    if (i == 0) {
        while (i < len && strchr("IVXLCivxlc", s[i]))
            i++;
        if (i > 0) {
            /* one case throughout: "Iv" is not a numeral */
            int up = !!isupper((unsigned char)s[0]);
            for (size_t k = 1; k < i; k++)
                if (!!isupper((unsigned char)s[k]) != up)
                    i = 0;
            if (i)
                *roman = 1;
        }
    }
    if (i == 0) {
        for (size_t k = 0; k < QR_ARRAY_LEN(number_words); k++) {
            size_t wl = strlen(number_words[k]);
            if (len >= wl && strncasecmp(s, number_words[k], wl) == 0) {
                i = wl;
                break;
            }
        }
    }
    if (i == 0 || (i < len && isalnum((unsigned char)s[i])))
        return 0;
    return i;
}

/* What may follow a heading's number: nothing, punctuation and a title,
 * or a capitalised title. */
static int S_heading_tail_ok(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0)
        return 1;
    if (s[0] == '.' || s[0] == ':' || s[0] == ',' || s[0] == ')' ||
        qr_text_starts_with(s, len, "\xE2\x80\x94") || qr_text_starts_with(s, len, "-")) {
        return 1;
    }
    while (i < len && s[i] == ' ')
        i++;
    if (i == 0 || i == len)
        return i == len;
    unsigned char c = (unsigned char)s[i];
    return isupper(c) || isdigit(c) || c == '(' || c == '[' || c == '"' || c >= 0x80;
}

static const char *const part_words[] = {"BOOK", "PART", "VOLUME"};
static const char *const chapter_words[] = {"CHAPTER", "CHAP.", "LETTER", "STAVE", "SECTION",
                                            "CANTO"};
static const char *const lone_words[] = {"EPILOGUE",  "PROLOGUE", "PREFACE", "INTRODUCTION",
                                         "AFTERWORD", "CONCLUSION", "APPENDIX", "POSTSCRIPT"};

/* Matches "WORD NUMBER tail" with WORD in upper or capitalised case. */
static int S_word_number(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    if (len <= wl + 1 || strncasecmp(s, word, wl) != 0 || s[wl] != ' ')
        return 0;
    /* "CHAPTER" or "Chapter", not "chapter" (a sentence) */
    if (!isupper((unsigned char)s[0]))
        return 0;
    for (size_t k = 1; k < wl; k++)
        if (isalpha((unsigned char)s[k]) &&
            !!isupper((unsigned char)s[k]) != !!isupper((unsigned char)s[1]))
            return 0;
    size_t i = wl;
    while (i < len && s[i] == ' ')
        i++;
    int roman;
    size_t n = S_number(s + i, len - i, &roman);
    if (n == 0)
        return 0;
    return S_heading_tail_ok(s + i + n, len - i - n);
}

qr_heading_kind qr_text_heading_kind(const char *s, size_t len)
{
    qr_text_trim_left(&s, &len);
    if (len == 0 || len > 160)
        return QR_HEADING_NONE;
    for (size_t k = 0; k < QR_ARRAY_LEN(part_words); k++)
        if (S_word_number(s, len, part_words[k]))
            return QR_HEADING_PART;
    for (size_t k = 0; k < QR_ARRAY_LEN(chapter_words); k++)
        if (S_word_number(s, len, chapter_words[k]))
            return QR_HEADING_CHAPTER;
    /* "FIRST EPILOGUE: 1813 - 20", "SECOND PART" */
    int roman;
    size_t n = S_number(s, len, &roman);
    if (n > 0 && !roman && !isdigit((unsigned char)s[0]) && n < len && s[n] == ' ') {
        const char *w = s + n + 1;
        size_t wl = len - n - 1;
        if ((qr_text_starts_with(w, wl, "EPILOGUE") || qr_text_starts_with(w, wl, "PART") ||
             qr_text_starts_with(w, wl, "BOOK")) && isupper((unsigned char)s[1]))
            return QR_HEADING_PART;
    }
    /* "EPILOGUE", "Epilogue", "PREFACE." */
    for (size_t k = 0; k < QR_ARRAY_LEN(lone_words); k++) {
        size_t wl = strlen(lone_words[k]);
        if (len >= wl && strncasecmp(s, lone_words[k], wl) == 0 && isupper((unsigned char)s[0]) &&
            (len == wl || ((s[wl] == '.' || s[wl] == ':') && len < wl + 60)))
            return QR_HEADING_CHAPTER;
    }
    /* "I. A SCANDAL IN BOHEMIA" (no lower-case letters), or a lone "II." */
    if (n > 0 && roman && isupper((unsigned char)s[0]) && n < len && s[n] == '.') {
        if (n + 1 == len)
            return QR_HEADING_SECTION;
        if (s[n + 1] != ' ')
            return QR_HEADING_NONE;
        int letters = 0;
        for (size_t i = n + 1; i < len; i++) {
            if (islower((unsigned char)s[i]))
                return QR_HEADING_NONE;
            if (isupper((unsigned char)s[i]))
                letters++;
        }
        return letters >= 2 ? QR_HEADING_CHAPTER : QR_HEADING_NONE;
    }
    return QR_HEADING_NONE;
}

/* Whether the block is an ornament line: "* * *", "***", "#", "~~~". */
static int S_is_break_line(const reader *r, const block *b)
{
    if (b->first != b->last)
        return 0;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    if (l == 0 || l > 40)
        return 0;
    int marks = 0;
    for (size_t i = 0; i < l;) {
        int n;
        uint32_t c = qr_text_cp_at(t, l, i, &n);
        i += (size_t)n;
        if (c == '*' || c == '#' || c == '~' || c == 0x2042 || c == 0x2022 || c == 0xB7 ||
            c == 0x2217 || c == 0x2756)
            marks++;
        else if (c != ' ' && c != 0x3000)
            return 0;
    }
    return marks >= 1 && (marks >= 3 || l <= 3 || t[0] == '#');
}

/*
 * Whether a heading's normalised text `key` is the contents entry: the
 * same, or, for a one-word heading in capitals, the entry's first word
 * ("EXTRACTS." for "EXTRACTS (Supplied by a Sub-Sub-Librarian).").
 */
static int S_entry_matches(const char *key, size_t len, int capitals, const char *entry)
{
    if (strcmp(key, entry) == 0)
        return 1;
    if (!capitals || len < 4 || memchr(key, ' ', len) || strncmp(key, entry, len) != 0 ||
        (entry[len] != ' ' && entry[len] != '('))
        return 0;
    return 1;
}

/*
 * Classifies each block. A heading is a short block that either matches the
 * next entries of the printed contents or reads as a heading by its words.
 */
void qr_text_classify(reader *r, block_kind *kinds)
{
    int seen_heading = 0;
    for (int k = 0; k < r->n_blocks; k++) {
        if (kinds[k] == B_SKIP)
            continue;
        const block *b = &r->blocks[k];
        int nlines = b->last - b->first + 1;
        if (S_is_break_line(r, b)) {
            kinds[k] = B_BREAK;
            continue;
        }
        if (nlines > 3)
            continue;
        qr_buf_reset(&r->tmp);
        qr_text_block_joined(r, b, &r->tmp);
        if (r->tmp.len > 200)
            continue;
        /* the printed contents names it */
        if (r->n_entries > 0) {
            qr_buf key = QR_BUF_INIT;
            qr_text_normalize(r->tmp.ptr, r->tmp.len, &key);
            int capitals = 1;
            for (size_t i = 0; i < r->tmp.len; i++)
                if (islower((unsigned char)r->tmp.ptr[i]))
                    capitals = 0;
            int match = -1;
            for (int j = r->next_entry; j < r->n_entries && j < r->next_entry + 8; j++) {
                if (S_entry_matches(key.ptr, key.len, capitals, r->entries[j])) {
                    match = j;
                    break;
                }
            }
            qr_buf_release(&key);
            if (match >= 0) {
                r->next_entry = match + 1;
                size_t l;
                const char *t = qr_text_line(r, b->first, &l);
                qr_heading_kind hk = qr_text_heading_kind(t, l);
                kinds[k] = hk == QR_HEADING_PART ? B_PART : B_CHAPTER;
                seen_heading = 1;
                continue;
            }
        }
        /* its words say so: a heading line, and at most one more line */
        size_t l;
        const char *t = qr_text_line(r, b->first, &l);
        qr_heading_kind hk = qr_text_heading_kind(t, l);
        if (hk == QR_HEADING_NONE || nlines > 2 || r->lines[b->first].len > 100)
            continue;
        if (hk == QR_HEADING_SECTION) {
            if (seen_heading && nlines == 1)
                kinds[k] = B_SECTION;
            continue;
        }
        kinds[k] = hk == QR_HEADING_PART ? B_PART : B_CHAPTER;
        seen_heading = 1;
    }
    /* A heading straight followed by a chapter heading groups chapters: a part
     * ("FIRST EPILOGUE" then "CHAPTER I"). */
    for (int k = 0; k + 1 < r->n_blocks; k++)
        if (kinds[k] == B_CHAPTER && kinds[k + 1] == B_CHAPTER) {
            size_t l;
            const char *t = qr_text_line(r, r->blocks[k + 1].first, &l);
            const char *u;
            size_t ul;
            u = qr_text_line(r, r->blocks[k].first, &ul);
            if (S_word_number(t, l, "CHAPTER") && !S_word_number(u, ul, "CHAPTER"))
                kinds[k] = B_PART;
        }
}
