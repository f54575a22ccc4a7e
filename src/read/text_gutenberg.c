/*
 * text_gutenberg.c: step 2 of the plain-text reader: the Project Gutenberg
 * header (metadata, the book's bounds), the title block of a text without
 * one, and the header and licence kept as back matter.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/* Step 2: Project Gutenberg ---------------------------------------------- */

static const char *S_cased(reader *r, const char *s, size_t len);
static size_t S_by_word(const char *s, size_t len);

/* "*** START OF THE PROJECT GUTENBERG EBOOK ...", "***START OF THIS
 * PROJECT GUTENBERG EBOOK ..." */
static int S_is_start_marker(const char *s, size_t len)
{
    return qr_text_starts_with(s, len, "***") && qr_text_contains_ci(s, len, "START OF") &&
           qr_text_contains_ci(s, len, "GUTENBERG");
}

/* The line that ends the old etexts' licence, which stood before the book
 * (1990s to 2002): "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN
 * ETEXTS*Ver.04.29.93*END*". */
static int S_is_small_print_end(const char *s, size_t len)
{
    return qr_text_starts_with(s, len, "*END") && qr_text_contains_ci(s, len, "SMALL PRINT");
}

/* The footer: "*** END OF THE PROJECT GUTENBERG EBOOK ...", or the line
 * that names the etext's end, over it or alone in old etexts: "End of
 * (the, this) Project Gutenberg('s) Etext/EBook of ...". */
static int S_is_end_marker(const char *s, size_t len)
{
    if (qr_text_starts_with(s, len, "***"))
        return qr_text_contains_ci(s, len, "END OF") && qr_text_contains_ci(s, len, "GUTENBERG");
    if (!qr_text_starts_with(s, len, "End of ") && !qr_text_starts_with(s, len, "END OF "))
        return 0;
    s += 7;
    len -= 7;
    if (qr_text_starts_with_ci(s, len, "the "))
        s += 4, len -= 4;
    else if (qr_text_starts_with_ci(s, len, "this "))
        s += 5, len -= 5;
    return qr_text_starts_with_ci(s, len, "Project Gutenberg");
}

/* "This etext was produced ...", "This eBook was prepared ...": a credit. */
static int S_etext_credit(const char *s, size_t len)
{
    static const char *const what[] = {"etext", "e-text", "ebook", "e-book"};
    static const char *const done[] = {"produced", "prepared", "transcribed", "scanned"};
    if (!qr_text_starts_with(s, len, "This "))
        return 0;
    s += 5, len -= 5;
    for (size_t i = 0; i < QR_ARRAY_LEN(what); i++) {
        size_t wl = strlen(what[i]);
        if (!qr_text_starts_with_ci(s, len, what[i]) ||
            !qr_text_starts_with(s + wl, len - wl, " was "))
            continue;
        for (size_t j = 0; j < QR_ARRAY_LEN(done); j++)
            if (qr_text_starts_with(s + wl + 5, len - wl - 5, done[j]))
                return 1;
    }
    return 0;
}

/* A line that names the etext itself: "Project Gutenberg's Etext of
 * Shakespeare's The Tragedie of Hamlet", "The Project Gutenberg EBook of
 * ...". */
static int S_names_etext(const char *s, size_t len)
{
    return len < 120 && qr_text_contains_ci(s, len, "Project Gutenberg") &&
           (qr_text_contains_ci(s, len, "Etext") || qr_text_contains_ci(s, len, "EBook"));
}

/* A note headed by its writer's title in the possessive: "Scanner's
 * Notes:", "Transcriber's Note:", "Executive Director's Notes:". */
static int S_notes_label(const char *s, size_t len)
{
    for (size_t i = 1; i + 6 < len && i < 40; i++) {
        if (!(s[i] == '\'' && s[i + 1] == 's' && s[i + 2] == ' ') &&
            !(s[i - 1] == 's' && s[i] == '\'' && s[i + 1] == ' '))
            continue;
        size_t j = i + (s[i + 1] == 's' ? 3 : 2);
        if (qr_text_starts_with(s + j, len - j, "Note:") ||
            qr_text_starts_with(s + j, len - j, "Notes:") ||
            (len == j + 4 && qr_text_starts_with(s + j, len - j, "Note")) ||
            (len == j + 5 && qr_text_starts_with(s + j, len - j, "Notes")))
            return isupper((unsigned char)s[0]);
    }
    return 0;
}

/* A header field "Name: value"; returns the value, or NULL. */
static const char *S_field(const char *s, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(s, name, n) != 0 || s[n] != ':')
        return NULL;
    const char *v = s + n + 1;
    *vlen = len - n - 1;
    qr_text_trim_left(&v, vlen);
    return *vlen ? v : NULL;
}

/* Whether the line starts "Name:" or "Two Words:" (a header field). */
int qr_text_is_field_line(const char *s, size_t len)
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

/* Line i, if it continues a header field (not the next field, nor a
 * bracketed note): its text, else NULL. */
static const char *S_continuation(reader *r, int i)
{
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    if (qr_text_is_field_line(t, l) || t[0] == '[')
        return NULL;
    return t;
}

/* Arena: the field's value, with continuation lines (until a blank line or
 * the next field) joined by spaces. */
static const char *S_field_value(reader *r, int i, const char *v, size_t vlen, int *last)
{
    qr_buf_reset(&r->tmp);
    qr_buf_add(&r->tmp, v, vlen);
    int j = i + 1;
    for (; j < r->n_lines && !qr_text_blank(r, j); j++) {
        size_t l;
        const char *t = qr_text_line(r, j, &l);
        if (qr_text_is_field_line(t, l))
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

/* The ebook number in s, "EBook #2701", "eBook #2600", "Etext #3261": the
 * number, with the offset of its word in *at; -1 when s has none. */
static int S_ebook_number(const char *s, size_t len, size_t *at)
{
    for (size_t k = 0; k + 7 < len; k++)
        if ((strncasecmp(s + k, "ebook #", 7) == 0 || strncasecmp(s + k, "etext #", 7) == 0) &&
            isdigit((unsigned char)s[k + 7])) {
            *at = k;
            return S_digits_value(s + k + 7, len - k - 7);
        }
    return -1;
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
const char *qr_text_detect_script(const reader *r, int first, int end)
{
    long kana = 0, hangul = 0, han = 0, letters = 0;
    for (int i = first; i < end; i++) {
        const char *s = r->lines[i].s;
        size_t len = r->lines[i].len;
        for (size_t k = 0; k < len;) {
            int n;
            uint32_t c = qr_text_cp_at(s, len, k, &n);
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

const char *qr_text_detect_words(const reader *r, int first, int end)
{
    /* each language's commonest words, which the others do not share */
    static const struct {
        const char *tag;
        const char *words[8];
    } langs[] = {
        {"en", {"the", "and", "of", "to", "was", "that", "with", "his"}},
        {"fr", {"le", "les", "et", "est", "une", "dans", "pas", "qui"}},
        {"de", {"der", "die", "und", "das", "nicht", "ist", "sich", "mit"}},
        {"es", {"el", "los", "que", "y", "por", "las", "con", "una"}},
        {"it", {"il", "che", "di", "non", "per", "della", "una", "sono"}},
    };
    long hits[QR_ARRAY_LEN(langs)] = {0};
    size_t seen = 0;
    for (int i = first; i < end && seen < 200000; i++) {
        const char *s = r->lines[i].s;
        size_t len = r->lines[i].len;
        seen += len;
        for (size_t k = 0; k < len;) {
            while (k < len && !isalpha((unsigned char)s[k]))
                k++;
            size_t w = k;
            while (k < len && (isalpha((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80))
                k++;
            size_t wl = k - w;
            if (wl == 0 || wl > 5)
                continue;
            for (size_t l = 0; l < QR_ARRAY_LEN(langs); l++)
                for (size_t j = 0; j < 8; j++)
                    if (strlen(langs[l].words[j]) == wl &&
                        strncasecmp(s + w, langs[l].words[j], wl) == 0)
                        hits[l]++;
        }
    }
    size_t best = 0, second = 1;
    for (size_t l = 1; l < QR_ARRAY_LEN(langs); l++) {
        if (hits[l] > hits[best]) {
            second = best;
            best = l;
        } else if (hits[l] > hits[second] || second == best) {
            second = l;
        }
    }
    if (hits[best] < 20 || hits[best] < 2 * hits[second])
        return NULL;
    return langs[best].tag;
}

void qr_text_add_creator(qr_meta *m, const char *name, const char *role)
{
    if (m->n_creators < QR_MAX_CREATORS) {
        m->creators[m->n_creators].name = name;
        m->creators[m->n_creators].role = role;
        m->n_creators++;
    }
}

/* The first line at or after i that is not blank. */
static int S_skip_blank(const reader *r, int i)
{
    while (i < r->n_lines && qr_text_blank(r, i))
        i++;
    return i;
}

/* The first line before i that is not blank, or -1. */
static int S_prev_text(const reader *r, int i)
{
    while (--i >= 0 && qr_text_blank(r, i))
        ;
    return i;
}

/*
 * The metadata of an old etext's header, which has no fields: the book's
 * title over its by-line over the release date and number, each a line of
 * its own:
 *     The Tragedie of Hamlet
 *     by William Shakespeare
 *     July, 2000  [Etext #2265]
 * The title (borrowed, the line's) goes in *title.
 */
static void S_old_header(reader *r, int end, const char **title, size_t *title_len)
{
    qr_meta *m = qr_doc_meta(r->doc);
    for (int i = 0; i < end; i++) {
        size_t l;
        const char *t = qr_text_line(r, i, &l);
        /* "[Etext #2265]": the first number in brackets */
        size_t k = 0, at = 0;
        int num;
        while ((num = S_ebook_number(t + k, l - k, &at)) >= 0 &&
               (k + at == 0 || t[k + at - 1] != '['))
            k += at + 1;
        if (num < 0)
            continue;
        k += at - 1; /* the bracket */
        int by = S_prev_text(r, i), ti = by >= 0 ? S_prev_text(r, by) : -1;
        size_t bl, tl;
        const char *bt = by >= 0 ? qr_text_line(r, by, &bl) : NULL;
        const char *tt = ti >= 0 ? qr_text_line(r, ti, &tl) : NULL;
        size_t w = bt ? S_by_word(bt, bl) : 0;
        if (!w || !tt || tl > 100 || tt[0] == '*')
            continue;
        *title = tt;
        *title_len = tl;
        if (!(r->flags & QR_READ_FIRST))
            return;
        if (!m->title)
            m->title = S_cased(r, tt, tl);
        const char *name = bt + w;
        size_t nl = bl - w;
        qr_text_trim_left(&name, &nl);
        if (m->n_creators == 0 && nl > 0 && nl <= 80)
            qr_text_add_creator(m, S_cased(r, name, nl), "aut");
        size_t dl = k;
        while (dl > 0 && t[dl - 1] == ' ')
            dl--;
        if (!m->date && dl > 0)
            m->date = S_parse_date(r, t, dl);
        if (!m->source)
            m->source =
                qr_arena_printf(qr_doc_arena(r->doc), "https://www.gutenberg.org/ebooks/%d", num);
        return;
    }
}

/*
 * The etext's own notes that open the book, after the header: its title
 * line ("Project Gutenberg's Etext of Shakespeare's The Tragedie of
 * Hamlet"), and notes headed by their writers ("Executive Director's
 * Notes:", "Scanner's Notes:", "Transcriber's Note:"). They are the
 * etext's, not the book's, and run to where the book's title (as the
 * header gives it) stands again on a line of its own: they go to the back
 * with the header. Where the title does not follow (within 400 lines),
 * only the etext's title line goes.
 */
static void S_etext_notes(reader *r, const char *title, size_t title_len)
{
    int i = S_skip_blank(r, r->body_first);
    if (i >= r->n_lines)
        return;
    size_t l;
    const char *t = qr_text_line(r, i, &l);
    int names = S_names_etext(t, l);
    if (!names && !S_notes_label(t, l))
        return;
    if (title && title_len > 0) {
        qr_buf want = QR_BUF_INIT, got = QR_BUF_INIT;
        qr_text_normalize(title, title_len, &want);
        int found = -1;
        for (int j = i + 1; j < r->n_lines && j < i + 400 && found < 0; j++) {
            if (qr_text_blank(r, j) || !qr_text_blank(r, j - 1) ||
                (j + 1 < r->n_lines && !qr_text_blank(r, j + 1)))
                continue;
            const char *u = qr_text_line(r, j, &l);
            qr_buf_reset(&got);
            qr_text_normalize(u, l, &got);
            if (got.len == want.len && strcmp(got.ptr, want.ptr) == 0)
                found = j;
        }
        qr_buf_release(&want);
        qr_buf_release(&got);
        if (found >= 0) {
            qr_text_note(r, r->lines[i].no,
                         "the etext's notes, to line %d, before the book's title: "
                         "moved to the back with the header",
                         r->lines[found].no - 1);
            r->body_first = found;
            return;
        }
    }
    if (names) {
        while (i < r->n_lines && !qr_text_blank(r, i))
            i++;
        r->body_first = i;
    }
}

/*
 * Finds the Gutenberg header, its fields, and the book's bounds. Texts
 * without a header are the whole book.
 */
void qr_text_gutenberg(reader *r)
{
    qr_meta *m = qr_doc_meta(r->doc);
    int start = -1, end = -1, last_field = -1;
    int scan = r->n_lines < 400 ? r->n_lines : 400;
    for (int i = 0; i < scan && start < 0; i++) {
        size_t l;
        const char *t = qr_text_line(r, i, &l);
        if (S_is_start_marker(t, l))
            start = i;
    }
    /* an old etext: its header and licence end with the SMALL PRINT */
    int old = 0;
    for (int i = 0; i < r->n_lines && i < 800 && start < 0; i++) {
        size_t l;
        const char *t = qr_text_line(r, i, &l);
        if (S_is_small_print_end(t, l))
            start = i, old = 1;
    }
    for (int i = start < 0 ? 0 : start + 1; i < r->n_lines; i++) {
        size_t l;
        const char *t = qr_text_line(r, i, &l);
        if (S_is_end_marker(t, l)) {
            end = i;
            break;
        }
    }
    int fields_end = start >= 0 ? start : (scan < 60 ? scan : 60);
    int found = 0;
    for (int i = 0; i < fields_end; i++) {
        size_t l, vl;
        const char *t = qr_text_line(r, i, &l);
        const char *v;
        int last = i;
        if ((v = S_field(t, l, "Title", &vl))) {
            if (!m->title && (r->flags & QR_READ_FIRST)) {
                /* "Title: A Tale of Two Cities" over "A Story of the French
                 * Revolution": the second line is the subtitle */
                m->title = S_cased(r, v, vl);
                int first = i;
                const char *sub = i + 1 < fields_end && !qr_text_blank(r, i + 1)
                                      ? S_continuation(r, i + 1)
                                      : NULL;
                if (sub) {
                    size_t sl;
                    const char *st = qr_text_line(r, i + 1, &sl);
                    const char *s = S_field_value(r, i + 1, st, sl, &last);
                    if (!m->subtitle)
                        m->subtitle = S_cased(r, s, strlen(s));
                } else {
                    last = first;
                }
            }
            found++;
        } else if ((v = S_field(t, l, "Author", &vl))) {
            if (r->flags & QR_READ_FIRST) {
                const char *name = S_field_value(r, i, v, vl, &last);
                qr_text_add_creator(m, S_cased(r, name, strlen(name)), "aut");
            }
            found++;
        } else if ((v = S_field(t, l, "Translator", &vl)) ||
                   (v = S_field(t, l, "Translators", &vl))) {
            if (r->flags & QR_READ_FIRST)
                qr_text_add_creator(m, S_field_value(r, i, v, vl, &last), "trl");
        } else if ((v = S_field(t, l, "Editor", &vl))) {
            if (r->flags & QR_READ_FIRST)
                qr_text_add_creator(m, S_field_value(r, i, v, vl, &last), "edt");
        } else if ((v = S_field(t, l, "Illustrator", &vl))) {
            if (r->flags & QR_READ_FIRST)
                qr_text_add_creator(m, S_field_value(r, i, v, vl, &last), "ill");
        } else if ((v = S_field(t, l, "Language", &vl))) {
            for (size_t k = 0; k < QR_ARRAY_LEN(languages); k++)
                if (qr_text_starts_with_ci(v, vl, languages[k].name) && !m->language &&
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
        /* the ebook number: "[EBook #2701]", "[eBook #2600]", "[Etext #3261]" */
        for (int j = i; j <= last && !m->source && (r->flags & QR_READ_FIRST); j++) {
            size_t jl, at;
            const char *jt = qr_text_line(r, j, &jl);
            int num = S_ebook_number(jt, jl, &at);
            if (num >= 0)
                m->source = qr_arena_printf(qr_doc_arena(r->doc),
                                            "https://www.gutenberg.org/ebooks/%d", num);
        }
        i = last;
    }
    const char *title = NULL; /* the book's title as the header gives it */
    size_t title_len = 0;
    for (int i = 0; i < fields_end && !title; i++) {
        size_t l, vl;
        const char *t = qr_text_line(r, i, &l);
        if ((title = S_field(t, l, "Title", &vl)) != NULL)
            title_len = vl;
    }
    if (old && !found)
        S_old_header(r, start, &title, &title_len);
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
    /* The producers' credit that opens the book ("Produced by ...",
     * "E-text prepared by ...", "This etext was produced from the 1908
     * edition by ...") is the header's, not the book's: it goes to the
     * back with it. */
    int i = S_skip_blank(r, r->body_first);
    size_t cl;
    const char *ct = i < r->n_lines ? qr_text_line(r, i, &cl) : NULL;
    if (ct && (qr_text_starts_with_ci(ct, cl, "Produced by") ||
               qr_text_starts_with_ci(ct, cl, "E-text prepared by") ||
               qr_text_starts_with_ci(ct, cl, "Etext prepared by") ||
               qr_text_starts_with_ci(ct, cl, "Transcribed by") ||
               qr_text_starts_with_ci(ct, cl, "Digitized by") || S_etext_credit(ct, cl))) {
        while (i < r->n_lines && !qr_text_blank(r, i))
            i++;
        r->body_first = i;
    }
    S_etext_notes(r, title, title_len);
    if (end >= 0) {
        r->body_end = end;
        r->licence_first = end;
    }
    if (m->source && !m->identifier && (r->flags & QR_READ_FIRST))
        m->identifier = m->source;
}

/* Whether a one-line block reads as a title: short, not a sentence. */
int qr_text_title_like(const reader *r, const block *b)
{
    if (b->first != b->last)
        return 0;
    size_t l;
    const char *t = qr_text_line(r, b->first, &l);
    if (l == 0 || l > 100)
        return 0;
    char last = t[l - 1];
    return last != '.' && last != ',' && last != ';' && last != ':';
}

/* The by-line's word at s ("by ", "von ", "par ", "por ", "di ", in any
 * case, or the word alone on its line): its length, else 0. */
static size_t S_by_word(const char *s, size_t len)
{
    static const char *const words[] = {"by", "von", "par", "por", "di"};
    for (size_t k = 0; k < QR_ARRAY_LEN(words); k++) {
        size_t wl = strlen(words[k]);
        if (len >= wl && strncasecmp(s, words[k], wl) == 0 && (len == wl || s[wl] == ' ') &&
            (len == wl || (unsigned char)s[wl + 1] >= 0x80 || isupper((unsigned char)s[wl + 1])))
            return wl;
    }
    return 0;
}

/* Arena: s, or s in title case when it is in capitals ("MUCH ADO ABOUT
 * NOTHING" -> "Much Ado about Nothing", "FRANZ KAFKA" -> "Franz Kafka"):
 * the printed heading may keep its capitals, the metadata does not. Roman
 * numerals stay as they are. */
static const char *S_cased(reader *r, const char *s, size_t len)
{
    static const char *const minor[] = {"a",  "an", "the", "and", "but", "or", "nor", "of",
                                        "in", "on", "at",  "to",  "by",  "for", "with", "from",
                                        "as", "into", "upon", "de", "la", "le", "les", "des",
                                        "du", "et", "von", "und", "der", "die", "das"};
    int lower = 0, upper = 0;
    for (size_t i = 0; i < len; i++) {
        lower += islower((unsigned char)s[i]) ||
                 ((unsigned char)s[i] == 0xC3 && i + 1 < len && (unsigned char)s[i + 1] >= 0xA0);
        upper += isupper((unsigned char)s[i]) != 0;
    }
    if (lower > 0 || upper < 2)
        return qr_arena_strndup(qr_doc_arena(r->doc), s, len);
    qr_buf out = QR_BUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t w = i;
        while (i < len && s[i] != ' ')
            i++;
        size_t wl = i - w, letters = 0, roman = 1;
        for (size_t k = w; k < i; k++)
            if (isalpha((unsigned char)s[k])) {
                letters++;
                roman &= strchr("IVXLC", s[k]) != NULL;
            }
        int is_minor = 0;
        for (size_t k = 0; k < QR_ARRAY_LEN(minor) && !is_minor && w > 0 && i < len; k++)
            is_minor = strlen(minor[k]) == wl && strncasecmp(s + w, minor[k], wl) == 0;
        int first = 1;
        for (size_t k = w; k < i; k++) {
            unsigned char c = (unsigned char)s[k];
            if (roman && letters > 0 && letters <= 4 && !is_minor) {
                qr_buf_addc(&out, (char)c);
            } else if (c == 0xC3 && k + 1 < i) {
                unsigned char d = (unsigned char)s[k + 1];
                qr_buf_addc(&out, (char)c);
                qr_buf_addc(&out, (char)((!first && d >= 0x80 && d <= 0x9E) ? d + 0x20 : d));
                k++;
                first = 0;
            } else if (isalpha(c)) {
                qr_buf_addc(&out, (char)(first && !is_minor ? c : tolower(c)));
                first = 0;
            } else {
                qr_buf_addc(&out, (char)c);
                /* "O’BRIEN", "TOLL-HOUSE": a new word part after these */
                if (c == '-' )
                    first = 1;
            }
        }
        while (i < len && s[i] == ' ')
            qr_buf_addc(&out, s[i++]);
    }
    const char *res = qr_arena_strndup(qr_doc_arena(r->doc), out.ptr, out.len);
    qr_buf_release(&out);
    return res;
}

/* Book metadata from the title block of a text without a header: the
 * title line, an "or, ..." line after it, and a "by ..." line. */
void qr_text_title_block(reader *r, const block_kind *kinds)
{
    qr_meta *m = qr_doc_meta(r->doc);
    if (!(r->flags & QR_READ_FIRST) || m->title || r->n_blocks == 0 || kinds[0] != B_PARA)
        return;
    const block *b = &r->blocks[0];
    if (b->first != b->last)
        return;
    size_t tl, l;
    const char *t = qr_text_line(r, b->first, &tl);
    if (tl == 0 || tl > 100)
        return;
    qr_buf title = QR_BUF_INIT;
    qr_text_smarten(t, tl, 0, &title);
    for (int k = 1; k < r->n_blocks && k < 5 && kinds[k] == B_PARA; k++) {
        const block *nb = &r->blocks[k];
        if (nb->first != nb->last)
            break;
        const char *u = qr_text_line(r, nb->first, &l);
        if (l > 100)
            break;
        size_t by = S_by_word(u, l);
        if (qr_text_starts_with(u, l, "or, ") || qr_text_starts_with(u, l, "Or, ") ||
            qr_text_starts_with(u, l, "OR, ")) {
            qr_buf_addc(&title, ' ');
            qr_text_smarten(u, l, ' ', &title);
        } else if (by > 0 && m->n_creators == 0) {
            /* "by Samuel Butler"; "VON" over "FRANZ KAFKA" */
            const char *name = u + by;
            size_t nl = l - by;
            qr_text_trim_left(&name, &nl);
            if (nl == 0 && k + 1 < r->n_blocks && kinds[k + 1] == B_PARA &&
                r->blocks[k + 1].first == r->blocks[k + 1].last) {
                name = qr_text_line(r, r->blocks[k + 1].first, &nl);
                k++;
            }
            if (nl > 0 && nl <= 80)
                qr_text_add_creator(m, S_cased(r, name, nl), "aut");
        }
    }
    if (qr_text_title_like(r, b) || title.len > tl)
        m->title = S_cased(r, title.ptr, title.len);
    qr_buf_release(&title);
}

/*
 * The back matter: the Gutenberg header (its fields are the metadata too)
 * and everything from the END marker on, the licence, as they were.
 */
void qr_text_build_licence(reader *r)
{
    if (r->licence_first < 0 && r->body_first == 0)
        return;
    int from = r->licence_first >= 0 ? r->licence_first : r->n_lines;
    int saved_first = r->body_first, saved_end = r->body_end;
    r->verbatim = 1;
    qr_text_open_chapter(r, QR_CHAPTER_BACK, 1, r->lines[r->body_first > 0 ? 0 : from].no);
    const char *lang = qr_doc_meta(r->doc)->language;
    if (lang && strcmp(lang, "en") != 0 && !qr_text_detect_script(r, from, r->n_lines))
        qr_node_set_lang(r->doc, qr_builder_current(&r->b), "en");
    for (int pass = 0; pass < 2; pass++) {
        r->body_first = pass == 0 ? 0 : from;
        r->body_end = pass == 0 ? saved_first : r->n_lines;
        free(r->blocks);
        r->blocks = NULL;
        r->n_blocks = 0;
        qr_text_make_blocks(r);
        r->wrap_width = qr_text_wrap_width(r);
        for (int k = 0; k < r->n_blocks; k++)
            qr_text_emit_paragraphs(r, &r->blocks[k], r->blocks[k].first);
    }
    r->body_first = saved_first;
    r->body_end = saved_end;
    qr_text_close_chapter(r);
    r->verbatim = 0;
}
