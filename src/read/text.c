/*
 * text.c: the plain-text reader.
 *
 * Reads a manuscript as people type it, and Project Gutenberg texts as they
 * come, into the document model:
 *
 *   1. check the bytes (UTF-8, no NUL or control characters) and split lines
 *      (LF, CRLF or CR; a BOM is skipped);
 *   2. recognise a Project Gutenberg header: metadata from its fields, the
 *      book between the "*** START" and "*** END" markers, the licence after
 *      the end marker kept as back matter, unedited;
 *   3. group lines into blocks (runs of non-blank lines) and find a printed
 *      table of contents, which is dropped from the body: its entries tell
 *      which later lines are headings, and the EPUB's navigation is made
 *      from those headings;
 *   4. classify each block: heading (part, chapter or section), scene break,
 *      or paragraph(s), and build the tree through the builder;
 *   5. inside paragraphs: join hard-wrapped lines (no space between CJK
 *      characters), make quotes, dashes and ellipses typographic, and turn
 *      _underscored_ words into emphasis.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"

/* Lines and blocks ------------------------------------------------------- */

typedef struct line {
    const char *s; /* start of the line's text (leading space kept) */
    size_t len;    /* without the line ending and trailing white space */
    int no;        /* 1-based line number in the file */
} line;

typedef struct block {
    int first, last; /* line indices, inclusive */
    int gap;         /* blank lines before the block */
} block;

typedef enum {
    B_PARA = 0,
    B_PART,     /* a part or book heading */
    B_CHAPTER,  /* a chapter heading */
    B_SECTION,  /* a numbered section inside a chapter (level 2) */
    B_BREAK,    /* a scene-break ornament line */
    B_SKIP,     /* dropped: the printed contents */
} block_kind;

typedef struct reader {
    qr_doc *doc;
    qr_builder b;
    const char *file;
    int flags;
    line *lines;
    int n_lines;
    block *blocks;
    int n_blocks;
    /* Project Gutenberg */
    int pg;            /* a Gutenberg header was found */
    int body_first;    /* first line of the book proper */
    int body_end;      /* one past its last line */
    int licence_first; /* first line of the licence (the END marker), or -1 */
    /* contents */
    char **entries;    /* normalised contents entries, in order */
    int n_entries;
    int next_entry;
    /* layout */
    int wrap_width;    /* typical width of a hard-wrapped line, in columns */
    int cjk;           /* the book is in a CJK language */
    int in_part;       /* chapters nest in a part */
    int in_chapter;    /* a chapter is open */
    qr_chapter_kind kind; /* ...of this kind */
    int verbatim;      /* no typographic changes (the licence) */
    qr_buf tmp;
} reader;

/* Characters ------------------------------------------------------------- */

static uint32_t S_cp_at(const char *s, size_t len, size_t i, int *n)
{
    uint32_t cp;
    *n = qr_utf8_decode(s + i, len - i, &cp);
    return cp;
}

/* The code point that ends s[0..len) (len > 0). */
static uint32_t S_last_cp(const char *s, size_t len)
{
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    uint32_t cp;
    qr_utf8_decode(s + i, len - i, &cp);
    return cp;
}

int qr_text_is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x2FDF) ||  /* radicals */
           (c >= 0x3000 && c <= 0x30FF) ||  /* CJK punctuation, kana */
           (c >= 0x3100 && c <= 0x31FF) ||  /* bopomofo, kana extensions */
           (c >= 0x3400 && c <= 0x4DBF) ||  /* ext. A */
           (c >= 0x4E00 && c <= 0x9FFF) ||  /* unified ideographs */
           (c >= 0xAC00 && c <= 0xD7AF) ||  /* hangul */
           (c >= 0xF900 && c <= 0xFAFF) ||  /* compatibility ideographs */
           (c >= 0xFE30 && c <= 0xFE4F) ||  /* compatibility forms */
           (c >= 0xFF00 && c <= 0xFFEF) ||  /* full-width forms */
           (c >= 0x20000 && c <= 0x3FFFF); /* supplementary ideographs */
}

static int S_is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/* Display width in columns: wide (CJK) characters count two. */
static int S_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t c = S_cp_at(s, len, i, &n);
        w += qr_text_is_cjk(c) ? 2 : 1;
        i += (size_t)n;
    }
    return w;
}

/* Strips leading spaces, ASCII and ideographic. */
static void S_trim_left(const char **s, size_t *len)
{
    while (*len > 0) {
        int n;
        uint32_t c = S_cp_at(*s, *len, 0, &n);
        if (!S_is_space_cp(c))
            break;
        *s += n;
        *len -= (size_t)n;
    }
}

static int S_starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static int S_starts_with_ci(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* Whether `needle` occurs in s[0..len), ignoring ASCII case. */
static int S_contains_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(s + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Step 1: checking and splitting ----------------------------------------- */

/* The largest manuscript file read: its line and column numbers stay well
 * within an int, and the memory a book takes (up to ten times its text)
 * within reach. War and Peace is 3.3 MB. */
#define S_MAX_BYTES ((size_t)256 << 20)

/* Shared with the Markdown reader (read.h). */
int qr_read_check(const char *file, const char *data, size_t len, qr_error *err)
{
    int ln = 1, col = 1;
    if (len > S_MAX_BYTES)
        return qr_error_set(err, QR_EX_DATAERR, file, 0, 0,
                            "manuscript too large: %zu bytes (a file may have up to %zu MB)", len,
                            S_MAX_BYTES >> 20);
    /* NUL and control characters first: UTF-8 allows them, XML does not. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n') {
            ln++;
            col = 1;
            continue;
        }
        if (c == 0)
            return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                                "NUL byte: this is not a text file");
        if (c < 0x20 && c != '\t' && c != '\r' && c != '\f')
            return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                                "control character U+%04X is not allowed in text", c);
        if ((c & 0xC0) != 0x80)
            col++;
    }
    if (qr_utf8_check(data, len, &ln, &col) < 0)
        return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                            "invalid UTF-8 (the file must be UTF-8 encoded)");
    /* U+FFFE and U+FFFF are not characters (XML 1.0, Char). */
    ln = 1;
    col = 1;
    for (size_t i = 0; i + 2 < len; i++) {
        if (data[i] == '\n') {
            ln++;
            col = 0;
        }
        if ((unsigned char)data[i] == 0xEF && (unsigned char)data[i + 1] == 0xBF &&
            ((unsigned char)data[i + 2] == 0xBE || (unsigned char)data[i + 2] == 0xBF))
            return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                                "U+FFF%c is not a character", data[i + 2] == '\xBE' ? 'E' : 'F');
        if (((unsigned char)data[i] & 0xC0) != 0x80)
            col++;
    }
    return 0;
}

static void S_split_lines(reader *r, const char *data, size_t len)
{
    size_t cap = 1024;
    r->lines = xmalloc(cap * sizeof(line));
    size_t i = 0;
    int no = 1;
    while (i < len) {
        size_t start = i;
        while (i < len && data[i] != '\n' && data[i] != '\r')
            i++;
        size_t end = i;
        if (i < len && data[i] == '\r')
            i++;
        if (i < len && data[i] == '\n' && (i == end || data[i - 1] == '\r'))
            i++;
        /* trailing white space, including form feeds, is not text */
        while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t' ||
                               data[end - 1] == '\f'))
            end--;
        /* a line of ideographic spaces only is blank too */
        const char *s = data + start;
        size_t l = end - start;
        const char *t = s;
        size_t tl = l;
        S_trim_left(&t, &tl);
        while (tl > 0 && *t == '\f') {
            t++;
            tl--;
        }
        if ((size_t)r->n_lines == cap) {
            cap *= 2;
            r->lines = xrealloc(r->lines, cap * sizeof(line));
        }
        r->lines[r->n_lines].s = s;
        r->lines[r->n_lines].len = tl == 0 ? 0 : l;
        r->lines[r->n_lines].no = no++;
        r->n_lines++;
    }
}

static int S_blank(const reader *r, int i)
{
    return r->lines[i].len == 0;
}

/* The line's text without leading white space. */
static const char *S_text(const reader *r, int i, size_t *len)
{
    const char *s = r->lines[i].s;
    *len = r->lines[i].len;
    S_trim_left(&s, len);
    return s;
}

/* Step 2: Project Gutenberg ---------------------------------------------- */

static int S_is_start_marker(const char *s, size_t len)
{
    return S_starts_with(s, len, "***") && S_contains_ci(s, len, "START OF") &&
           S_contains_ci(s, len, "GUTENBERG");
}

static int S_is_end_marker(const char *s, size_t len)
{
    return S_starts_with(s, len, "***") && S_contains_ci(s, len, "END OF") &&
           S_contains_ci(s, len, "GUTENBERG");
}

/* A header field "Name: value"; returns the value, or NULL. */
static const char *S_field(const char *s, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(s, name, n) != 0 || s[n] != ':')
        return NULL;
    const char *v = s + n + 1;
    *vlen = len - n - 1;
    S_trim_left(&v, vlen);
    return *vlen ? v : NULL;
}

/* Whether the line starts "Name:" or "Two Words:" (a header field). */
static int S_is_field_line(const char *s, size_t len)
{
    if (len == 0 || !isupper((unsigned char)s[0]))
        return 0;
    for (size_t i = 1; i < len && i < 30; i++) {
        if (s[i] == ':')
            return 1;
        if (!isalpha((unsigned char)s[i]) && s[i] != ' ')
            return 0;
    }
    return 0;
}

/* Arena: the field's value, with continuation lines (until a blank line or
 * the next field) joined by spaces. */
static const char *S_field_value(reader *r, int i, const char *v, size_t vlen, int *last)
{
    qr_buf_reset(&r->tmp);
    qr_buf_add(&r->tmp, v, vlen);
    int j = i + 1;
    for (; j < r->n_lines && !S_blank(r, j); j++) {
        size_t l;
        const char *t = S_text(r, j, &l);
        if (S_is_field_line(t, l))
            break; /* the next field */
        if (t[0] == '[')
            break;
        qr_buf_addc(&r->tmp, ' ');
        qr_buf_add(&r->tmp, t, l);
    }
    *last = j - 1;
    return qr_arena_strndup(qr_doc_arena(r->doc), r->tmp.ptr, r->tmp.len);
}

static const char *const months[] = {"january", "february", "march",     "april",
                                     "may",     "june",     "july",      "august",
                                     "september", "october", "november", "december"};

/* The value of the digits at the start of s[0..len), at most nine of them;
 * 0 if there are none. (The text is not NUL-terminated: no atoi or strtol,
 * which read on past len.) */
static int S_digits_value(const char *s, size_t len)
{
    int v = 0;
    for (size_t i = 0; i < len && i < 9 && isdigit((unsigned char)s[i]); i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Arena: "December 25, 2008", "April, 2001" or "2008-12-25" as ISO 8601. */
static const char *S_parse_date(reader *r, const char *v, size_t len)
{
    int month = 0, day = 0, year = 0;
    size_t i = 0;
    if (len >= 4 && isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[3])) {
        year = S_digits_value(v, len);
        if (len >= 7 && v[4] == '-')
            month = S_digits_value(v + 5, len - 5);
        if (len >= 10 && v[7] == '-')
            day = S_digits_value(v + 8, len - 8);
    } else {
        for (int m = 0; m < 12; m++) {
            size_t ml = strlen(months[m]);
            if (len >= 3 && strncasecmp(v, months[m], 3) == 0) {
                month = m + 1;
                i = (len >= ml && strncasecmp(v, months[m], ml) == 0) ? ml : 3;
                break;
            }
        }
        if (!month)
            return NULL;
        while (i < len && (v[i] == ' ' || v[i] == '.' || v[i] == ','))
            i++;
        int num = 0, digits = 0;
        while (i < len && isdigit((unsigned char)v[i]) && digits < 4) {
            num = num * 10 + (v[i++] - '0');
            digits++;
        }
        if (digits > 0 && digits <= 2) {
            day = num;
            while (i < len && (v[i] == ' ' || v[i] == ','))
                i++;
            num = digits = 0;
            while (i < len && isdigit((unsigned char)v[i]) && digits < 4) {
                num = num * 10 + (v[i++] - '0');
                digits++;
            }
        }
        if (digits != 4)
            return NULL;
        year = num;
    }
    if (year < 1000 || month > 12 || day > 31)
        return NULL;
    if (month && day)
        return qr_arena_printf(qr_doc_arena(r->doc), "%04d-%02d-%02d", year, month, day);
    if (month)
        return qr_arena_printf(qr_doc_arena(r->doc), "%04d-%02d", year, month);
    return qr_arena_printf(qr_doc_arena(r->doc), "%04d", year);
}

static const struct {
    const char *name, *tag;
} languages[] = {
    {"English", "en"},   {"French", "fr"},     {"German", "de"},    {"Spanish", "es"},
    {"Italian", "it"},   {"Portuguese", "pt"}, {"Dutch", "nl"},     {"Japanese", "ja"},
    {"Chinese", "zh"},   {"Korean", "ko"},     {"Russian", "ru"},   {"Latin", "la"},
    {"Greek", "el"},     {"Finnish", "fi"},    {"Swedish", "sv"},   {"Danish", "da"},
    {"Norwegian", "no"}, {"Polish", "pl"},     {"Hungarian", "hu"}, {"Esperanto", "eo"},
    {"Czech", "cs"},     {"Catalan", "ca"},    {"Welsh", "cy"},     {"Irish", "ga"},
};

/* The language of lines [first, end) by their script: kana means
 * Japanese, hangul Korean, ideographs alone Chinese; otherwise NULL. */
static const char *S_detect_script(const reader *r, int first, int end)
{
    long kana = 0, hangul = 0, han = 0, letters = 0;
    for (int i = first; i < end; i++) {
        const char *s = r->lines[i].s;
        size_t len = r->lines[i].len;
        for (size_t k = 0; k < len;) {
            int n;
            uint32_t c = S_cp_at(s, len, k, &n);
            k += (size_t)n;
            if ((c >= 0x3041 && c <= 0x30FF))
                kana++;
            else if (c >= 0xAC00 && c <= 0xD7AF)
                hangul++;
            else if (c >= 0x4E00 && c <= 0x9FFF)
                han++;
            else if (c < 0x80 && isalpha((int)c))
                letters++;
        }
    }
    long cjk = kana + hangul + han;
    if (cjk == 0 || cjk * 2 < letters / 3) /* CJK text: ~1 character a word */
        return NULL;
    if (kana > 0)
        return "ja";
    if (hangul > 0)
        return "ko";
    return "zh";
}

static void S_add_creator(qr_meta *m, const char *name, const char *role)
{
    if (m->n_creators < QR_MAX_CREATORS) {
        m->creators[m->n_creators].name = name;
        m->creators[m->n_creators].role = role;
        m->n_creators++;
    }
}

/*
 * Finds the Gutenberg header, its fields, and the book's bounds. Texts
 * without a header are the whole book.
 */
static void S_gutenberg(reader *r)
{
    qr_meta *m = qr_doc_meta(r->doc);
    int start = -1, end = -1, last_field = -1;
    int scan = r->n_lines < 400 ? r->n_lines : 400;
    for (int i = 0; i < scan && start < 0; i++) {
        size_t l;
        const char *t = S_text(r, i, &l);
        if (S_is_start_marker(t, l))
            start = i;
    }
    for (int i = start < 0 ? 0 : start + 1; i < r->n_lines; i++) {
        size_t l;
        const char *t = S_text(r, i, &l);
        if (S_is_end_marker(t, l)) {
            end = i;
            break;
        }
    }
    int fields_end = start >= 0 ? start : (scan < 60 ? scan : 60);
    int found = 0;
    for (int i = 0; i < fields_end; i++) {
        size_t l, vl;
        const char *t = S_text(r, i, &l);
        const char *v;
        int last = i;
        if ((v = S_field(t, l, "Title", &vl))) {
            if (!m->title && (r->flags & QR_READ_FIRST))
                m->title = S_field_value(r, i, v, vl, &last);
            found++;
        } else if ((v = S_field(t, l, "Author", &vl))) {
            if (r->flags & QR_READ_FIRST)
                S_add_creator(m, S_field_value(r, i, v, vl, &last), "aut");
            found++;
        } else if ((v = S_field(t, l, "Translator", &vl)) ||
                   (v = S_field(t, l, "Translators", &vl))) {
            if (r->flags & QR_READ_FIRST)
                S_add_creator(m, S_field_value(r, i, v, vl, &last), "trl");
        } else if ((v = S_field(t, l, "Editor", &vl))) {
            if (r->flags & QR_READ_FIRST)
                S_add_creator(m, S_field_value(r, i, v, vl, &last), "edt");
        } else if ((v = S_field(t, l, "Illustrator", &vl))) {
            if (r->flags & QR_READ_FIRST)
                S_add_creator(m, S_field_value(r, i, v, vl, &last), "ill");
        } else if ((v = S_field(t, l, "Language", &vl))) {
            for (size_t k = 0; k < QR_ARRAY_LEN(languages); k++)
                if (S_starts_with_ci(v, vl, languages[k].name) && !m->language &&
                    (r->flags & QR_READ_FIRST))
                    m->language = languages[k].tag;
        } else if ((v = S_field(t, l, "Release Date", &vl)) ||
                   (v = S_field(t, l, "Release date", &vl))) {
            if (r->flags & QR_READ_FIRST)
                m->date = S_parse_date(r, v, vl);
        } else if (!(S_field(t, l, "Posting Date", &vl) ||
                     S_field(t, l, "Character set encoding", &vl) ||
                     S_field(t, l, "Last Updated", &vl) ||
                     S_field(t, l, "Produced by", &vl) || S_field(t, l, "Credits", &vl))) {
            continue;
        }
        last_field = last > last_field ? last : i > last_field ? i : last_field;
        /* the ebook number: "[EBook #2701]", "[eBook #2600]" */
        for (int j = i; j <= last; j++) {
            size_t jl;
            const char *jt = S_text(r, j, &jl);
            for (size_t k = 0; k + 7 < jl; k++) {
                if (strncasecmp(jt + k, "ebook #", 7) == 0 && isdigit((unsigned char)jt[k + 7]) &&
                    !m->source && (r->flags & QR_READ_FIRST)) {
                    int num = S_digits_value(jt + k + 7, jl - k - 7);
                    m->source = qr_arena_printf(qr_doc_arena(r->doc),
                                                "https://www.gutenberg.org/ebooks/%d", num);
                }
            }
        }
        i = last;
    }
    r->pg = start >= 0 || (found >= 2 && end >= 0) || found >= 2;
    r->body_first = 0;
    r->body_end = r->n_lines;
    r->licence_first = -1;
    if (!r->pg)
        return;
    if (start >= 0)
        r->body_first = start + 1;
    else if (last_field >= 0)
        r->body_first = last_field + 1;
    if (end >= 0) {
        r->body_end = end;
        r->licence_first = end;
    }
    if (m->source && !m->identifier && (r->flags & QR_READ_FIRST))
        m->identifier = m->source;
}

/* Step 3: blocks and the printed contents --------------------------------- */

static void S_make_blocks(reader *r)
{
    int cap = 256;
    r->blocks = xmalloc((size_t)cap * sizeof(block));
    int gap = 0;
    for (int i = r->body_first; i < r->body_end; i++) {
        if (S_blank(r, i)) {
            gap++;
            continue;
        }
        if (r->n_blocks == cap) {
            cap *= 2;
            r->blocks = xrealloc(r->blocks, (size_t)cap * sizeof(block));
        }
        block *b = &r->blocks[r->n_blocks++];
        b->first = i;
        while (i + 1 < r->body_end && !S_blank(r, i + 1))
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
    S_trim_left(&s, &len);
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
static void S_block_joined(const reader *r, const block *b, qr_buf *out)
{
    for (int i = b->first; i <= b->last; i++) {
        size_t l;
        const char *t = S_text(r, i, &l);
        if (i > b->first)
            qr_buf_addc(out, ' ');
        qr_buf_add(out, t, l);
    }
}

static int S_is_contents_title(const char *s, size_t len)
{
    while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ':'))
        len--;
    return (len == 8 && strncasecmp(s, "CONTENTS", 8) == 0) ||
           (len == 17 && strncasecmp(s, "TABLE OF CONTENTS", 17) == 0);
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
static void S_find_contents(reader *r, block_kind *kinds)
{
    int limit = r->n_blocks / 4 + 8;
    if (limit > r->n_blocks)
        limit = r->n_blocks;
    int title = -1;
    for (int k = 0; k < limit; k++) {
        const block *b = &r->blocks[k];
        size_t l;
        const char *t = S_text(r, b->first, &l);
        if (S_is_contents_title(t, l)) {
            title = k;
            break;
        }
    }
    if (title < 0)
        return;
    int k = title;
    /* The title may share its block with the first entries. */
    int first_line = r->blocks[k].first + 1;
    for (; k < r->n_blocks; k++) {
        const block *b = &r->blocks[k];
        if (k > title && (b->gap >= 3 && r->n_entries > 0))
            break;
        if (k > title && r->n_entries > 0) {
            qr_buf_reset(&r->tmp);
            S_block_joined(r, b, &r->tmp);
            qr_buf key = QR_BUF_INIT;
            qr_text_normalize(r->tmp.ptr, r->tmp.len, &key);
            int again = strcmp(key.ptr, r->entries[0]) == 0;
            qr_buf_release(&key);
            if (again)
                break;
        }
        int from = k == title ? first_line : b->first;
        for (int i = from; i <= b->last; i++) {
            size_t l;
            const char *t = S_text(r, i, &l);
            /* A line that does not read as an entry, after a long one that
             * does, continues it (a title wrapped in the contents). */
            if (i > from && r->n_entries > 0 && qr_text_heading_kind(t, l) == QR_HEADING_NONE &&
                r->lines[i - 1].len >= 55) {
                qr_buf_reset(&r->tmp);
                size_t pl;
                const char *pt = S_text(r, i - 1, &pl);
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
    if (r->n_entries < 2) {
        /* Not a contents list after all. */
        for (int j = title; j < k; j++)
            kinds[j] = B_PARA;
        for (int j = 0; j < r->n_entries; j++)
            free(r->entries[j]);
        r->n_entries = 0;
    }
}

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
        S_starts_with(s, len, "\xE2\x80\x94") || S_starts_with(s, len, "-")) {
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
    S_trim_left(&s, &len);
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
        if ((S_starts_with(w, wl, "EPILOGUE") || S_starts_with(w, wl, "PART") ||
             S_starts_with(w, wl, "BOOK")) && isupper((unsigned char)s[1]))
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
    const char *t = S_text(r, b->first, &l);
    if (l == 0 || l > 40)
        return 0;
    int marks = 0;
    for (size_t i = 0; i < l;) {
        int n;
        uint32_t c = S_cp_at(t, l, i, &n);
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
static void S_classify(reader *r, block_kind *kinds)
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
        S_block_joined(r, b, &r->tmp);
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
                const char *t = S_text(r, b->first, &l);
                qr_heading_kind hk = qr_text_heading_kind(t, l);
                kinds[k] = hk == QR_HEADING_PART ? B_PART : B_CHAPTER;
                seen_heading = 1;
                continue;
            }
        }
        /* its words say so: a heading line, and at most one more line */
        size_t l;
        const char *t = S_text(r, b->first, &l);
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
            const char *t = S_text(r, r->blocks[k + 1].first, &l);
            const char *u;
            size_t ul;
            u = S_text(r, r->blocks[k].first, &ul);
            if (S_word_number(t, l, "CHAPTER") && !S_word_number(u, ul, "CHAPTER"))
                kinds[k] = B_PART;
        }
}

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
    return prev == 0 || S_is_space_cp(prev) || prev == '\n' || prev == '(' || prev == '[' ||
           prev == '{' || prev == 0x2014 || prev == 0x2013 || prev == '-' || prev == 0x201C ||
           prev == 0x2018 || prev == '/' || prev == '_';
}

void qr_text_smarten(const char *s, size_t len, uint32_t prev, qr_buf *out)
{
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t c = S_cp_at(s, len, i, &n);
        if (c == '"') {
            qr_buf_add_utf8(out, S_opens_quote(prev) ? 0x201C : 0x201D);
            prev = S_opens_quote(prev) ? 0x201C : 0x201D;
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
static void S_join_line(const reader *r, int i, qr_buf *buf)
{
    size_t l;
    const char *t = S_text(r, i, &l);
    if (buf->len > 0 && buf->ptr[buf->len - 1] != '\n' && l > 0) {
        uint32_t last = S_last_cp(buf->ptr, buf->len);
        int n;
        uint32_t first = S_cp_at(t, l, 0, &n);
        int hyphen = last == '-' && buf->len >= 2 && isalpha((unsigned char)buf->ptr[buf->len - 2]);
        if (!(qr_text_is_cjk(last) || qr_text_is_cjk(first) || hyphen || last == 0x2014 ||
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
        uint32_t after = j + 1 < len ? S_cp_at(s, len, j + 1, &n) : 0;
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
        uint32_t before = i > 0 ? S_last_cp(s, i) : 0;
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
static void S_emit_text(reader *r, const char *s, size_t len)
{
    if (r->verbatim) {
        S_emit_inlines(r, s, len, 0);
        return;
    }
    qr_buf smart = QR_BUF_INIT;
    qr_text_smarten(s, len, 0, &smart);
    S_emit_inlines(r, smart.ptr, smart.len, 0);
    qr_buf_release(&smart);
}

static int S_cjk_line_start(const char *s, size_t len, int *indented)
{
    int n;
    uint32_t c = S_cp_at(s, len, 0, &n);
    if (c == 0x3000) {
        *indented = 1;
        return 1;
    }
    /* dialogue in Japanese text is not indented: 「 『 （ 〈 《 【 */
    return c == 0x300C || c == 0x300E || c == 0xFF08 || c == 0x3008 || c == 0x300A ||
           c == 0x3010;
}

/* Every line of the block is a paragraph of its own, indented with U+3000. */
static int S_line_per_paragraph(const reader *r, const block *b)
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
        const char *t = S_text(r, i, &l);
        fields = S_is_field_line(t, l);
    }
    if (fields) /* "Title: ..." over "Author: ..." */
        return 1;
    if (r->wrap_width < 50)
        return 0;
    for (int i = b->first; i <= b->last; i++)
        if (S_width(r->lines[i].s, r->lines[i].len) * 10 >= r->wrap_width * 6)
            return 0;
    return 1;
}

static void S_emit_paragraphs(reader *r, const block *b, int from)
{
    if (S_line_per_paragraph(r, b)) {
        for (int i = from; i <= b->last; i++) {
            size_t l;
            const char *t = S_text(r, i, &l);
            qr_builder_set_pos(&r->b, r->file, r->lines[i].no);
            qr_builder_enter(&r->b, QR_NODE_PARAGRAPH);
            S_emit_text(r, t, l);
            qr_builder_leave(&r->b);
        }
        return;
    }
    int keep = S_keeps_lines(r, b);
    qr_buf text = QR_BUF_INIT;
    for (int i = from; i <= b->last; i++) {
        if (keep && i > from)
            qr_buf_addc(&text, '\n');
        S_join_line(r, i, &text);
    }
    if (text.len > 0) {
        qr_builder_set_pos(&r->b, r->file, r->lines[from].no);
        qr_builder_enter(&r->b, QR_NODE_PARAGRAPH);
        S_emit_text(r, text.ptr, text.len);
        qr_builder_leave(&r->b);
    }
    qr_buf_release(&text);
}

/* Building ------------------------------------------------------------------ */

static void S_close_chapter(reader *r)
{
    if (r->in_chapter) {
        qr_builder_leave(&r->b);
        r->in_chapter = 0;
    }
}

static void S_open_chapter(reader *r, qr_chapter_kind kind, int level, int line_no)
{
    S_close_chapter(r);
    qr_builder_set_pos(&r->b, r->file, line_no);
    qr_node *c = qr_builder_enter(&r->b, QR_NODE_CHAPTER);
    qr_node_set_chapter_kind(c, kind);
    qr_node_set_level(c, level);
    r->in_chapter = 1;
    r->kind = kind;
}

static void S_emit_heading(reader *r, const block *b, int level, int lines)
{
    qr_buf text = QR_BUF_INIT;
    for (int i = b->first; i < b->first + lines; i++)
        S_join_line(r, i, &text);
    qr_builder_set_pos(&r->b, r->file, r->lines[b->first].no);
    qr_node *h = qr_builder_enter(&r->b, QR_NODE_HEADING);
    qr_node_set_level(h, level);
    S_emit_text(r, text.ptr, text.len);
    qr_builder_leave(&r->b);
    qr_buf_release(&text);
}

/* The typical width of a line, in columns: the 80th percentile. */
static int S_wrap_width(const reader *r)
{
    enum { MAXW = 4096 };
    int *count = xcalloc(MAXW + 1, sizeof(int));
    int total = 0;
    for (int i = r->body_first; i < r->body_end; i++) {
        if (S_blank(r, i))
            continue;
        int w = S_width(r->lines[i].s, r->lines[i].len);
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

/* Whether a one-line block reads as a title: short, not a sentence. */
static int S_title_like(const reader *r, const block *b)
{
    if (b->first != b->last)
        return 0;
    size_t l;
    const char *t = S_text(r, b->first, &l);
    if (l == 0 || l > 100)
        return 0;
    char last = t[l - 1];
    return last != '.' && last != ',' && last != ';' && last != ':';
}

/* Book metadata from the title block of a text without a header: the
 * title line, an "or, ..." line after it, and a "by ..." line. */
static void S_title_block(reader *r, const block_kind *kinds)
{
    qr_meta *m = qr_doc_meta(r->doc);
    if (!(r->flags & QR_READ_FIRST) || m->title || r->n_blocks == 0 || kinds[0] != B_PARA)
        return;
    const block *b = &r->blocks[0];
    if (b->first != b->last)
        return;
    size_t tl, l;
    const char *t = S_text(r, b->first, &tl);
    if (tl == 0 || tl > 100)
        return;
    qr_buf title = QR_BUF_INIT;
    qr_text_smarten(t, tl, 0, &title);
    for (int k = 1; k < r->n_blocks && k < 4 && kinds[k] == B_PARA; k++) {
        const block *nb = &r->blocks[k];
        if (nb->first != nb->last)
            break;
        const char *u = S_text(r, nb->first, &l);
        if (l > 100)
            break;
        if (S_starts_with(u, l, "or, ") || S_starts_with(u, l, "Or, ") ||
            S_starts_with(u, l, "OR, ")) {
            qr_buf_addc(&title, ' ');
            qr_text_smarten(u, l, ' ', &title);
        } else if ((S_starts_with(u, l, "by ") || S_starts_with(u, l, "By ") ||
                    S_starts_with(u, l, "BY ")) && m->n_creators == 0) {
            S_add_creator(m, qr_arena_strndup(qr_doc_arena(r->doc), u + 3, l - 3), "aut");
        }
    }
    if (S_title_like(r, b) || title.len > tl)
        m->title = qr_arena_strndup(qr_doc_arena(r->doc), title.ptr, title.len);
    qr_buf_release(&title);
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

static void S_build_body(reader *r, block_kind *kinds)
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
            S_open_chapter(r, QR_CHAPTER_FRONT, 1, r->lines[b->first].no);
        } else {
            /* One chapter: its title is the first line when that reads as a
             * title, or begins the book's title. */
            S_open_chapter(r, QR_CHAPTER_BODY, 1, r->lines[b->first].no);
            size_t l;
            const char *t = S_text(r, b->first, &l);
            qr_buf key = QR_BUF_INIT, title = QR_BUF_INIT;
            qr_text_normalize(t, l, &key);
            if (m->title)
                qr_text_normalize(m->title, strlen(m->title), &title);
            int prefix = m->title && key.len >= 2 && strncmp(title.ptr, key.ptr, key.len) == 0;
            qr_buf_release(&key);
            qr_buf_release(&title);
            if (kinds[k] == B_PARA && (S_title_like(r, b) || prefix)) {
                S_emit_heading(r, b, 1, 1);
                if (b->last > b->first)
                    S_emit_paragraphs(r, b, b->first + 1);
                k++;
            }
        }
    }
    for (; k < r->n_blocks; k++) {
        const block *b = &r->blocks[k];
        int nlines = b->last - b->first + 1;
        switch (kinds[k]) {
        case B_SKIP:
            break;
        case B_PART:
            S_open_chapter(r, QR_CHAPTER_PART, 1, r->lines[b->first].no);
            S_emit_heading(r, b, 1, nlines);
            r->in_part = 1;
            last = -1;
            break;
        case B_CHAPTER:
            S_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            S_emit_heading(r, b, 1, nlines);
            last = -1;
            break;
        case B_SECTION:
            if (!r->in_chapter)
                S_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            S_emit_heading(r, b, 2, nlines);
            last = -1;
            break;
        case B_BREAK:
            if (!r->in_chapter)
                S_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            qr_builder_set_pos(&r->b, r->file, r->lines[b->first].no);
            qr_builder_enter(&r->b, QR_NODE_SCENE_BREAK);
            last = -1;
            break;
        case B_PARA:
            if (!r->in_chapter)
                S_open_chapter(r, QR_CHAPTER_BODY, r->in_part ? 2 : 1, r->lines[b->first].no);
            /* Two or more blank lines between paragraphs are a scene break;
             * in a text of one paragraph per line, one blank line is. */
            if (last >= 0 && r->kind != QR_CHAPTER_FRONT &&
                ((b->gap >= 2 && !double_spaced) ||
                              (b->gap >= 1 && S_line_per_paragraph(r, b) &&
                               S_line_per_paragraph(r, &r->blocks[last])))) {
                qr_builder_set_pos(&r->b, r->file, r->lines[b->first].no - 1);
                qr_builder_enter(&r->b, QR_NODE_SCENE_BREAK);
            }
            S_emit_paragraphs(r, b, b->first);
            last = k;
            break;
        }
    }
    S_close_chapter(r);
}

/*
 * The back matter: the Gutenberg header (its fields are the metadata too)
 * and everything from the END marker on, the licence, as they were.
 */
static void S_build_licence(reader *r)
{
    if (r->licence_first < 0 && r->body_first == 0)
        return;
    int from = r->licence_first >= 0 ? r->licence_first : r->n_lines;
    int saved_first = r->body_first, saved_end = r->body_end;
    r->verbatim = 1;
    S_open_chapter(r, QR_CHAPTER_BACK, 1, r->lines[r->body_first > 0 ? 0 : from].no);
    const char *lang = qr_doc_meta(r->doc)->language;
    if (lang && strcmp(lang, "en") != 0 && !S_detect_script(r, from, r->n_lines))
        qr_node_set_lang(r->doc, qr_builder_current(&r->b), "en");
    for (int pass = 0; pass < 2; pass++) {
        r->body_first = pass == 0 ? 0 : from;
        r->body_end = pass == 0 ? saved_first : r->n_lines;
        free(r->blocks);
        r->blocks = NULL;
        r->n_blocks = 0;
        S_make_blocks(r);
        r->wrap_width = S_wrap_width(r);
        for (int k = 0; k < r->n_blocks; k++)
            S_emit_paragraphs(r, &r->blocks[k], r->blocks[k].first);
    }
    r->body_first = saved_first;
    r->body_end = saved_end;
    S_close_chapter(r);
    r->verbatim = 0;
}

int qr_read_text(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                 qr_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.doc = doc;
    r.file = file;
    r.flags = flags;
    qr_buf_init(&r.tmp);
    block_kind *kinds = NULL;
    int rc = -1;

    if (qr_read_check(file, data, len, err) < 0)
        goto done;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    S_split_lines(&r, data, len);
    int text = 0;
    for (int i = 0; i < r.n_lines && !text; i++)
        text = !S_blank(&r, i);
    if (!text) {
        qr_error_set(err, QR_EX_DATAERR, file, 0, 0, "empty manuscript: no text in this file");
        goto done;
    }
    S_gutenberg(&r);
    qr_meta *m = qr_doc_meta(doc);
    if (!m->language && (flags & QR_READ_FIRST))
        m->language = S_detect_script(&r, r.body_first, r.body_end);
    const char *lang = m->language ? m->language : "en";
    r.cjk = strcmp(lang, "ja") == 0 || strcmp(lang, "zh") == 0 || strcmp(lang, "ko") == 0;
    r.wrap_width = S_wrap_width(&r);
    S_make_blocks(&r);
    kinds = xcalloc((size_t)r.n_blocks + 1, sizeof(block_kind));
    S_find_contents(&r, kinds);
    S_classify(&r, kinds);
    if (r.n_entries > 0 && r.next_entry == 0) {
        /* No entry of the "contents" stands again as a heading: it was no
         * contents list (it may have run to the end of the book), and its
         * lines are text, never dropped. */
        for (int i = 0; i < r.n_entries; i++)
            free(r.entries[i]);
        r.n_entries = 0;
        memset(kinds, 0, ((size_t)r.n_blocks + 1) * sizeof(block_kind));
        S_classify(&r, kinds);
    }
    S_title_block(&r, kinds);

    qr_builder_init(&r.b, doc);
    S_build_body(&r, kinds);
    if (r.pg)
        S_build_licence(&r);
    qr_builder_finish(&r.b);
    rc = 0;
done:
    free(kinds);
    free(r.lines);
    free(r.blocks);
    for (int i = 0; i < r.n_entries; i++)
        free(r.entries[i]);
    free(r.entries);
    qr_buf_release(&r.tmp);
    return rc;
}

/* One metadata string with its quotes curled (arena copy); NULL stays. */
static const char *S_smart_field(qr_arena *a, const char *s)
{
    if (!s)
        return NULL;
    qr_buf out = QR_BUF_INIT;
    qr_text_smarten(s, strlen(s), 0, &out);
    const char *r = qr_arena_strndup(a, out.ptr ? out.ptr : "", out.len);
    qr_buf_release(&out);
    return r;
}

void qr_read_smarten_meta(qr_doc *doc)
{
    qr_meta *m = qr_doc_meta(doc);
    qr_arena *a = qr_doc_arena(doc);
    m->title = S_smart_field(a, m->title);
    m->subtitle = S_smart_field(a, m->subtitle);
    m->description = S_smart_field(a, m->description);
    m->rights = S_smart_field(a, m->rights);
    m->publisher = S_smart_field(a, m->publisher);
    m->series = S_smart_field(a, m->series);
    for (int i = 0; i < m->n_creators; i++)
        m->creators[i].name = S_smart_field(a, m->creators[i].name);
}
