/*
 * e2e_corpus.c: every corpus book as a user would build it, with the
 * structure a reader of the book expects.
 *
 * For each book the table states, from the printed contents or from
 * reading the book, how many headings of each form the navigation must
 * list and a few of their titles; where the printed contents is (it is
 * taken out of the body); and then checks the EPUB (EPUBCheck 0/0, where
 * e2e.c does not already) and that every word of the book is in both
 * editions, in order. Also: `quire dump --why` explains its decisions, and
 * a part heading with text under it keeps a page of its own in the PDF.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

#include "test.h"

static const char *S_quire_path(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* Appends DIR/NAME of the first file in dir whose name ends with ext. */
static int S_find_output(const char *dir, const char *ext, qr_buf *path)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int found = -1;
    size_t el = strlen(ext);
    while ((e = readdir(d)) && found < 0) {
        size_t l = strlen(e->d_name);
        if (l > el && strcmp(e->d_name + l - el, ext) == 0) {
            qr_buf_addf(path, "%s/%s", dir, e->d_name);
            found = 0;
        }
    }
    closedir(d);
    return found;
}

/* The byte offset of the start of 1-based line `no` of s. */
static size_t S_line_start(const qr_buf *s, int no)
{
    size_t i = 0;
    for (int l = 1; l < no && i < s->len; i++)
        if (s->ptr[i] == '\n')
            l++;
    return i;
}

/* The navigation's table of contents: nav.xhtml up to its first </nav>. */
static int S_toc(const char *epub, qr_buf *toc)
{
    if (qt_epub_entry(epub, "EPUB/nav.xhtml", toc) != 0)
        return -1;
    char *end = strstr(toc->ptr, "</nav>");
    if (end)
        qr_buf_truncate(toc, (size_t)(end - toc->ptr));
    return 0;
}

/* Whether s starts with a roman numeral in capitals. */
static size_t S_roman(const char *s)
{
    size_t i = 0;
    while (s[i] && strchr("IVXLC", s[i]))
        i++;
    return i;
}

/*
 * Counts the entries of the table of contents whose text starts with
 * `prefix` (ignoring case); "%R" in the prefix stands for a roman numeral,
 * "%N" for a number in figures.
 * With `exact`, the whole text must equal the prefix instead: returns 1 if
 * one entry does.
 */
static int S_entries(const qr_buf *toc, const char *prefix, int exact)
{
    int n = 0;
    for (const char *p = toc->ptr; (p = strstr(p, "<a ")) != NULL;) {
        const char *t = strchr(p, '>');
        const char *e = t ? strstr(t, "</a>") : NULL;
        if (!e)
            break;
        t++;
        p = e;
        if (exact) {
            if ((size_t)(e - t) == strlen(prefix) && strncmp(t, prefix, (size_t)(e - t)) == 0)
                return 1;
            continue;
        }
        const char *q = prefix;
        int ok = 1;
        while (*q && ok) {
            if (strncmp(q, "%R", 2) == 0) {
                size_t r = S_roman(t);
                ok = r > 0;
                t += r;
                q += 2;
            } else if (strncmp(q, "%N", 2) == 0) {
                const char *d = t;
                while (t < e && isdigit((unsigned char)*t))
                    t++;
                ok = t > d;
                q += 2;
            } else {
                ok = t < e && toupper((unsigned char)*t) == toupper((unsigned char)*q);
                t++;
                q++;
            }
        }
        n += ok;
    }
    return n;
}

static const struct corpus_case {
    const char *name, *src;
    int epubcheck; /* 0 where e2e.c's book/ cases already run it */
    struct {
        const char *prefix;
        int count;
    } counts[3];
    const char *titles[4];
    int contents[2]; /* the printed contents' first and last lines, or 0 */
    int notes;       /* footnotes in Gutenberg's conventions, made notes (-1: not counted) */
    /* at least so many datelines, salutations and signatures (letters) */
    int letters[3];
    const char *not_title; /* a line that must not be in the navigation */
    int body_line; /* the book's first line, after the etext's own notes (0: after the header) */
} books[] = {
    /* the first six */
    {"moby-dick", "tests/corpus/moby-dick.txt", 0,
     {{"CHAPTER ", 135}},
     {"ETYMOLOGY.", "CHAPTER 1. Loomings.", "CHAPTER 135. The Chase.—Third Day.", "Epilogue"},
     {40, 319}, 0, {0, 0, 0}, NULL, 0},
    {"pride-and-prejudice", "tests/corpus/pride-and-prejudice.txt", 0,
     {{"Chapter ", 61}},
     {"Chapter 1", "Chapter 61"},
     {0, 0}, 0, {0, 0, 0}, NULL, 0},
    {"war-and-peace", "tests/corpus/war-and-peace.txt", 0,
     {{"CHAPTER ", 365}, {"BOOK ", 15}},
     {"BOOK ONE: 1805", "FIRST EPILOGUE: 1813 - 20", "SECOND EPILOGUE"},
     {37, 817}, 0, {0, 0, 0}, NULL, 0},
    {"japanese", "tests/corpus/kasei-no-kioku-ja.txt", 0, {{NULL, 0}}, {"火星の記憶"}, {0, 0}, 0, {0, 0, 0}, NULL, 0},
    {"frankenstein", "tests/corpus/frankenstein.txt", 0,
     {{"Letter ", 4}, {"Chapter ", 24}},
     {"Letter 1", "Chapter 24"},
     {8, 37}, 0, {10, 1, 1}, NULL, 0},
    /* twelve stories, each with its numbered parts as sections */
    {"sherlock-holmes", "tests/corpus/sherlock-holmes.txt", 0,
     {{"%R. THE ", 10}, {"%R. A ", 2}},
     {"I. A SCANDAL IN BOHEMIA", "XII. THE ADVENTURE OF THE COPPER BEECHES", "I.", "III."},
     {7, 20}, 0, {0, 0, 0}, NULL, 0},
    /* the twelve chosen for variety */
    /* three books, 45 chapters "I. The Period" in mixed case; the printed
     * contents reads "Chapter I  The Period": the text wins */
    {"tale-of-two-cities", "tests/corpus/tale-of-two-cities.txt", 1,
     {{"Book the ", 3}, {"%R. ", 45}},
     {"Book the First—Recalled to Life", "I. The Period", "XV. The Footsteps Die Out For Ever"},
     {41, 98}, 0, {0, 0, 0}, NULL, 0},
    {"christmas-carol", "tests/corpus/christmas-carol.txt", 1,
     {{"STAVE ", 5}},
     {"PREFACE", "STAVE I: MARLEY’S GHOST", "STAVE V: THE END OF IT"},
     {54, 60}, 0, {0, 0, 0}, NULL, 0},
    /* "CHAPTER I" over its title, a block of its own */
    {"dracula", "tests/corpus/dracula.txt", 1,
     {{"CHAPTER ", 27}},
     {"CHAPTER I JONATHAN HARKER’S JOURNAL", "CHAPTER XXVII MINA HARKER’S JOURNAL"},
     {67, 95}, 0, {0, 0, 0}, NULL, 0},
    /* five acts of 3, 3, 5, 2 and 4 scenes; the contents gives each scene on
     * two lines */
    {"much-ado", "tests/corpus/much-ado.txt", 1,
     {{"ACT ", 5}, {"SCENE ", 17}},
     {"ACT I", "SCENE I. Before LEONATO’S House.", "Scene II. A Prison."},
     {43, 113}, 0, {0, 0, 0}, NULL, 0},
    /* a Folio text: speakers run in, acts and scenes in Latin, the first
     * two on one line ("Actus Primus. Scoena Prima."); the Folio heads
     * only the first two acts and four scenes (three in the first act,
     * the second's "Scena Secunda." alone). The old header of 2000 and its
     * licence (whose "[1] ... [2]" are no notes) go to the back, with the
     * etext's notes before the play: the book starts at its title */
    {"hamlet-folio", "tests/corpus/hamlet-folio.txt", 1,
     {{"Actus ", 2}, {"Scena ", 3}, {"Scoena ", 1}},
     {"Actus Primus.", "Scoena Prima.", "Scena Tertia", "Actus Secundus."},
     {0, 0}, 0, {0, 0, 0}, NULL, 378},
    /* an etext of 2001 in the old form: fields in the header, the SMALL
     * PRINT before the book ("*END THE SMALL PRINT!"), a producer's credit
     * "This etext was produced from ...", "End of Project Gutenberg Etext
     * of ..." at the end; 32 chapters "CHAPTER I:  DISCUSSION AND BED" */
    {"news-from-nowhere", "tests/corpus/news-from-nowhere.txt", 1,
     {{"CHAPTER ", 32}},
     {"CHAPTER I: DISCUSSION AND BED", "CHAPTER XXXII: THE FEAST\xE2\x80\x99S BEGINNING\xE2\x80\x94THE END"},
     {0, 0}, 0, {0, 0, 0}, NULL, 0},
    {"paradise-lost", "tests/corpus/paradise-lost.txt", 1,
     {{"Book ", 12}},
     {"Book I", "Book XII"},
     {33, 48}, 0, {0, 0, 0}, NULL, 0},
    /* 35 books in the text, but the last is misprinted "BOOKXXXV."; a bare
     * "BOOK II" takes its one poem's title */
    {"leaves-of-grass", "tests/corpus/leaves-of-grass.txt", 1,
     {{"BOOK ", 34}},
     {"BOOK I. INSCRIPTIONS", "BOOK II Starting from Paumanok", "BOOK XXXIV. SANDS AT SEVENTY"},
     {0, 0}, 0, {0, 0, 0}, NULL, 0},
    /* three parts headed by a lone "I.", "II.", "III." */
    {"die-verwandlung", "tests/corpus/die-verwandlung-de.txt", 1,
     {{"%R.", 3}},
     {"I.", "II.", "III."},
     {0, 0}, 0, {0, 0, 0}, NULL, 0},
    /* 24 + 23 chapters, "CHAPITRE PREMIER" over its title; the table of
     * contents is at the end */
    {"vingt-mille-lieues", "tests/corpus/vingt-mille-lieues-fr.txt", 1,
     {{"CHAPITRE ", 47}},
     {"CHAPITRE PREMIER UN ÉCUEIL FUYANT.", "DEUXIÈME PARTIE", "CHAPITRE XXIII CONCLUSION."},
     {18491, 18551}, 7, {0, 0, 0}, NULL, 0},
    /* six tales, three of them in chapters (5 + 3 + 8) */
    {"merry-men", "tests/corpus/merry-men.txt", 1,
     {{"CHAPTER ", 16}},
     {"THE MERRY MEN", "MARKHEIM", "OLALLA", "CHAPTER I. EILEAN AROS."},
     {62, 90}, 6, {0, 0, 0}, NULL, 0},
    /* 16 notes "[1] ..." in the chapters, 73 of the Introduction's 74 in a
     * list under "Footnotes" at its end (its call [9] is missing) */
    {"art-of-war", "tests/corpus/art-of-war.txt", 1,
     {{"Chapter ", 13}},
     {"Preface by Lionel Giles", "INTRODUCTION", "Chapter I. LAYING PLANS",
      "Chapter XIII. THE USE OF SPIES"},
     {62, 86}, 89, {0, 0, 0}, NULL, 0},
    {"primeval-forest", "tests/corpus/primeval-forest.txt", 1,
     {{"CHAPTER ", 11}},
     {"CHAPTER II THE JOURNEY", "CHAPTER XI CONCLUSION"},
     {89, 114}, 11, {0, 0, 0}, NULL, 0},
    /* unnumbered chapters, confirmed by the printed contents */
    {"walden", "tests/corpus/walden.txt", 1,
     {{NULL, 0}},
     {"Economy", "Where I Lived, and What I Lived For", "Conclusion",
      "ON THE DUTY OF CIVIL DISOBEDIENCE"},
     {47, 71}, 0, {0, 0, 0}, NULL, 0},
    /* 261 letters numbered 216 to 476, each headed by its number over its
     * addressee ("217." over "TO STEINER."), the printed contents listing
     * them ("CONTENTS OF VOLUME II."); the second part's heading is only in
     * the contents, the third's is in the text; 126 footnotes "[Footnote 1:
     * ...]" after them; most are dated and signed, and their signatures
     * ("L. V. BEETHOVEN.") are no chapters */
    {"beethoven-letters", "tests/corpus/beethoven-letters-2.txt", 1,
     {{"%N.", 261}, {"THIRD PART", 1}},
     {"217. TO STEINER.", "THIRD PART LIFE\xE2\x80\x99S TROUBLES AND CLOSE. 1823 TO 1827.",
      "315. TO ZELTER.", "476. CODICIL."},
     {69, 350}, 126, {120, 110, 130}, "L. V. BEETHOVEN.", 0},
};

static const struct corpus_case *current;

/* Where the book proper starts: after the Gutenberg START line, or the
 * line that ends an old etext's SMALL PRINT licence, or after a header of
 * fields alone (its first blank line), and after the producers' credit
 * that may follow. */
static size_t S_body_start(const qr_buf *src)
{
    const char *start = strstr(src->ptr, "*** START OF");
    /* "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*",
     * "*END THE SMALL PRINT! ..." */
    for (const char *p = src->ptr; !start && (p = strstr(p, "\n*END")) != NULL; p++) {
        const char *nl = strchr(p + 1, '\n');
        const char *sp = strstr(p, "SMALL PRINT");
        if (sp && (!nl || sp < nl))
            start = p + 1;
    }
    const char *body = start ? strchr(start, '\n') : NULL;
    const char *s0 = src->ptr + (strncmp(src->ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    if (!body && strncmp(s0, "Title:", 6) == 0) {
        const char *lf = strstr(s0, "\n\n"), *crlf = strstr(s0, "\r\n\r\n");
        body = crlf && (!lf || crlf < lf) ? crlf : lf;
    }
    return qt_past_credits(src->ptr, src->len, body ? (size_t)(body - src->ptr) : 0);
}

/* The length of the one-character token at s (a letter, ASCII or two bytes
 * of UTF-8, alone between spaces), or 0. */
static size_t S_single(const char *s, size_t len)
{
    size_t n = (unsigned char)s[0] >= 0xC0 && len >= 2 ? 2 : 1;
    if (!(isalpha((unsigned char)s[0]) || n == 2))
        return 0;
    return n == len || s[n] == ' ' || s[n] == '\r' || s[n] == '\n' ? n : 0;
}

/* Appends src without its letter-spaced words ("K U R T  W O L F F": three
 * or more single letters apart): pdftotext reads their letters as one word
 * or as many, depending on their neighbours, so the PDF is not asked for
 * them (the EPUB is). */
static void S_drop_letter_spacing(const char *src, size_t len, qr_buf *out)
{
    for (size_t i = 0; i < len;) {
        size_t j = i, letters = 0, n;
        if (i == 0 || src[i - 1] == ' ' || src[i - 1] == '\n')
            while (j < len && (n = S_single(src + j, len - j)) > 0) {
                letters++;
                j += n;
                while (j < len && src[j] == ' ')
                    j++;
            }
        if (letters >= 3) {
            qr_buf_addc(out, ' ');
            i = j;
        } else {
            qr_buf_addc(out, src[i]);
            i++;
        }
    }
}

/* Fails unless every word of src[from, to) is in text, in order. */
static void S_words(const char *what, int pdf, const char *src, size_t len, const qr_buf *text)
{
    char missing[256];
    qr_buf closed = QR_BUF_INIT;
    if (pdf)
        S_drop_letter_spacing(src, len, &closed);
    long n = pdf ? qt_words_in_pdf_text(closed.ptr, closed.len, text->ptr, text->len, missing,
                                        sizeof missing)
                 : qt_words_in_order(src, len, text->ptr, text->len, missing, sizeof missing);
    qr_buf_release(&closed);
    if (n < 0)
        qt_fail(__FILE__, __LINE__, "%s: a word is missing or out of order: %s", what, missing);
    else if (qt_verbose())
        fprintf(stderr, "  %s: %ld words in order\n", what, n);
}

/* The length of a note's label at s ("12", "A", "*", "†"), or 0. */
static size_t S_note_label(const char *s, size_t len)
{
    size_t d = 0;
    while (d < len && d < 4 && isdigit((unsigned char)s[d]))
        d++;
    if (d > 0)
        return d <= 3 ? d : 0;
    if (len > 0 && (isalpha((unsigned char)s[0]) || s[0] == '*'))
        return 1;
    return len >= 3 && memcmp(s, "\xE2\x80", 2) == 0 &&
                   ((unsigned char)s[2] == 0xA0 || (unsigned char)s[2] == 0xA1)
               ? 3
               : 0;
}

/* The length of the opening of a note paragraph at s, "[Footnote 1: " or
 * "[1] " (its label and brackets, read by the test's own rule), or 0. */
static size_t S_note_opening(const char *s, size_t len, int *footnote)
{
    *footnote = len > 10 && strncmp(s, "[Footnote ", 10) == 0;
    size_t i = *footnote ? 10 : 1, l;
    if (len == 0 || s[0] != '[' || (l = S_note_label(s + i, len - i)) == 0 || i + l >= len)
        return 0;
    if (s[i + l] != (*footnote ? ':' : ']') || i + l + 1 >= len || s[i + l + 1] != ' ')
        return 0;
    return i + l + 1;
}

/* Whether the paragraph at s is the one word "Notes", "Footnotes" or
 * "Endnotes" (any case, a full stop or colon after it), heading a list. */
static int S_notes_word(const char *s, size_t len)
{
    while (len > 0 && strchr(" \r\n.:", s[len - 1]))
        len--;
    static const char *const w[] = {"notes", "footnotes", "endnotes"};
    for (size_t i = 0; i < sizeof w / sizeof *w; i++)
        if (len == strlen(w[i]) && strncasecmp(s, w[i], len) == 0)
            return 1;
    return 0;
}

/* The number opening a listed note at s, "12. " or "12) ", and the
 * opening's length in *open; -1 for another paragraph. */
static int S_list_opening(const char *s, size_t len, size_t *open)
{
    size_t d = 0;
    int num = 0;
    while (d < len && d < 4 && isdigit((unsigned char)s[d]))
        num = num * 10 + (s[d++] - '0');
    if (d == 0 || d > 3 || d + 1 >= len || (s[d] != '.' && s[d] != ')') || s[d + 1] != ' ')
        return -1;
    *open = d + 2;
    return num;
}

/*
 * Splits the book's text into its body and its footnote paragraphs: a
 * paragraph opening "[1] " is a note, and so are the paragraphs from one
 * opening "[Footnote 1: " to the one its bracket closes, and, after a
 * paragraph "Footnotes" (or "Notes"), those opening "1. ", "2. "... in
 * sequence, to the first that opens otherwise. Each note goes to notes
 * without its opening, followed by a NUL; the body without its calls "[1]".
 */
static void S_split_notes(const char *s, size_t len, qr_buf *body, qr_buf *notes)
{
    int depth = 0;   /* inside a [Footnote ...] */
    int listed = -1; /* in a list of notes: the number the next one has */
    for (size_t i = 0; i < len;) {
        /* a paragraph: to a blank line */
        size_t e = i;
        while (e < len) {
            const char *nl = memchr(s + e, '\n', len - e);
            e = nl ? (size_t)(nl - s) + 1 : len;
            size_t j = e;
            while (j < len && (s[j] == ' ' || s[j] == '\r'))
                j++;
            if (j >= len || s[j] == '\n')
                break;
        }
        size_t a = i;
        while (a < e && (s[a] == ' ' || s[a] == '\r' || s[a] == '\n'))
            a++;
        int footnote = 0;
        size_t open = depth ? 0 : S_note_opening(s + a, e - a, &footnote);
        size_t lopen = 0;
        int num = listed >= 0 && a < e ? S_list_opening(s + a, e - a, &lopen) : -1;
        if (listed >= 0 && a < e && (num < 0 || (listed > 0 && num != listed)))
            listed = -1;
        if (listed >= 0 && num >= 0) {
            qr_buf_add(notes, s + a + lopen, e - a - lopen);
            qr_buf_addc(notes, '\0');
            listed = num + 1;
            i = e;
            continue;
        }
        if (!depth && !open && a < e && S_notes_word(s + a, e - a))
            listed = 0;
        if (depth || open) {
            qr_buf_add(notes, s + a + open, e - a - open);
            if (!depth && !footnote)
                qr_buf_addc(notes, '\0');
            else {
                for (size_t k = a; k < e; k++)
                    depth += s[k] == '[' ? 1 : s[k] == ']' ? -1 : 0;
                if (depth <= 0) {
                    depth = 0;
                    qr_buf_addc(notes, '\0');
                }
            }
        } else {
            /* without the calls "[1]": the editions number the notes again */
            for (size_t k = i; k < e; k++) {
                size_t l = s[k] == '[' ? S_note_label(s + k + 1, e - k - 1) : 0;
                if (l && k + 1 + l < e && s[k + 1 + l] == ']') {
                    qr_buf_addc(body, ' ');
                    k += l + 1;
                } else {
                    qr_buf_addc(body, s[k]);
                }
            }
        }
        i = e;
    }
}

/* The elements of the EPUB's XHTML with `attr` (the notes' <aside
 * epub:type="footnote">, a letter's <p class="dateline">). */
static int S_epub_count(const char *epub, const char *attr)
{
    int zerr, n = 0;
    zip_t *z = zip_open(epub, ZIP_RDONLY, &zerr);
    if (!z)
        return -1;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        size_t nl = name ? strlen(name) : 0;
        if (nl < 6 || strcmp(name + nl - 6, ".xhtml") != 0)
            continue;
        qr_buf x = QR_BUF_INIT;
        if (qt_epub_entry(epub, name, &x) == 0)
            for (const char *p = x.ptr; (p = strstr(p, attr)); p++)
                n++;
        qr_buf_release(&x);
    }
    zip_close(z);
    return n;
}

static void test_corpus_book(void)
{
    const struct corpus_case *bc = current;
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, epub = QR_BUF_INIT, pdf = QR_BUF_INIT;
    qr_buf toc = QR_BUF_INIT, nav = QR_BUF_INIT, text = QR_BUF_INIT, src = QR_BUF_INIT;
    qr_buf body = QR_BUF_INIT, ptext = QR_BUF_INIT, what = QR_BUF_INIT, notes = QR_BUF_INIT;
    char name[80];
    snprintf(name, sizeof name, "corpus-%s", bc->name);
    qt_scratch(name, &dir);
    const char *argv[] = {S_quire_path(), "build", "-q", "-o", dir.ptr, bc->src, NULL};
    if (qt_run(argv, NULL, NULL, &err) != 0) {
        qt_fail(__FILE__, __LINE__, "build %s failed: %s", bc->src, err.ptr);
        goto done;
    }
    if (S_find_output(dir.ptr, ".epub", &epub) != 0 || S_find_output(dir.ptr, ".pdf", &pdf) != 0) {
        qt_fail(__FILE__, __LINE__, "%s: no EPUB or PDF in %s", bc->src, dir.ptr);
        goto done;
    }
    if (bc->epubcheck)
        qt_epubcheck(epub.ptr);

    /* the navigation holds the headings the book has */
    CHECK_INT_EQ(S_toc(epub.ptr, &toc), 0);
    for (size_t i = 0; i < QR_ARRAY_LEN(bc->counts) && bc->counts[i].prefix; i++) {
        int n = S_entries(&toc, bc->counts[i].prefix, 0);
        if (n != bc->counts[i].count)
            qt_fail(__FILE__, __LINE__, "%s: %d entries \"%s...\" in the navigation, expected %d",
                    bc->src, n, bc->counts[i].prefix, bc->counts[i].count);
    }
    if (bc->not_title && S_entries(&toc, bc->not_title, 1))
        qt_fail(__FILE__, __LINE__, "%s: \"%s\" is in the navigation", bc->src, bc->not_title);
    /* a letter's lines keep their own */
    static const char *const roles[] = {"class=\"dateline\"", "class=\"salutation\"",
                                        "class=\"signature\""};
    for (int i = 0; i < 3; i++) {
        int n = S_epub_count(epub.ptr, roles[i]);
        if (n < bc->letters[i])
            qt_fail(__FILE__, __LINE__, "%s: %d %s in the EPUB, expected at least %d", bc->src, n,
                    roles[i], bc->letters[i]);
    }
    for (size_t i = 0; i < QR_ARRAY_LEN(bc->titles) && bc->titles[i]; i++)
        if (!S_entries(&toc, bc->titles[i], 1))
            qt_fail(__FILE__, __LINE__, "%s: no entry \"%s\" in the navigation", bc->src,
                    bc->titles[i]);

    /* every word of the book, in order, but the printed contents taken out;
     * the Gutenberg header, moved to the back, on its own */
    CHECK_INT_EQ(qt_read(bc->src, &src), 0);
    size_t split = bc->body_line ? S_line_start(&src, bc->body_line) : S_body_start(&src);
    if (bc->body_line && split < S_body_start(&src))
        qt_fail(__FILE__, __LINE__, "%s: line %d is inside the header", bc->src, bc->body_line);
    size_t cfrom = src.len, cto = src.len;
    if (bc->contents[0]) {
        cfrom = S_line_start(&src, bc->contents[0]);
        cto = S_line_start(&src, bc->contents[1] + 1);
    }
    /* footnotes apart: each is checked on its own */
    S_split_notes(src.ptr + split, cfrom - split, &body, &notes);
    qr_buf_addc(&body, '\n');
    S_split_notes(src.ptr + cto, src.len - cto, &body, &notes);
    int docs = 0;
    CHECK_INT_EQ(qt_epub_spine_text(epub.ptr, &nav, &text, NULL, &docs), 0);
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &ptext, NULL), 0);
    int n_notes = S_epub_count(epub.ptr, "epub:type=\"footnote\"");
    if (bc->notes >= 0 && n_notes != bc->notes)
        qt_fail(__FILE__, __LINE__, "%s: %d footnotes in the EPUB, expected %d", bc->src, n_notes,
                bc->notes);
    for (int e = 0; e < 2; e++) {
        const qr_buf *t = e ? &ptext : &text;
        qr_buf_reset(&what);
        qr_buf_addf(&what, "%s (%s, the book)", bc->src, e ? "PDF" : "EPUB");
        S_words(what.ptr, e, body.ptr, body.len, t);
        for (const char *p = notes.ptr; p && p < notes.ptr + notes.len; p += strlen(p) + 1) {
            char missing[256];
            long n = e ? qt_words_in_pdf_text(p, strlen(p), t->ptr, t->len, missing,
                                              sizeof missing)
                       : qt_words_in_order(p, strlen(p), t->ptr, t->len, missing, sizeof missing);
            if (n < 0)
                qt_fail(__FILE__, __LINE__, "%s (%s, the note \"%.30s...\"): %s", bc->src,
                        e ? "PDF" : "EPUB", p, missing);
        }
        /* the notes are notes: no transcriber's "[Footnote" is left */
        if (bc->notes && strstr(t->ptr, "[Footnote"))
            qt_fail(__FILE__, __LINE__, "%s (%s): \"[Footnote\" left in the text", bc->src,
                    e ? "PDF" : "EPUB");
        if (split) {
            qr_buf_reset(&what);
            qr_buf_addf(&what, "%s (%s, the Gutenberg header)", bc->src, e ? "PDF" : "EPUB");
            S_words(what.ptr, e, src.ptr, split, t);
        }
    }
done:
    qr_buf_release(&dir);
    qr_buf_release(&err);
    qr_buf_release(&epub);
    qr_buf_release(&pdf);
    qr_buf_release(&toc);
    qr_buf_release(&nav);
    qr_buf_release(&text);
    qr_buf_release(&src);
    qr_buf_release(&body);
    qr_buf_release(&ptext);
    qr_buf_release(&what);
    qr_buf_release(&notes);
}


/* Counts `needle` in every chapter of an EPUB; the text of each element
 * opened by `label` (up to its '<') goes into names, a line each, once. */
static int S_count_in_chapters(const char *epub, const char *needle, const char *label,
                               qr_buf *names, int *distinct)
{
    int n = 0;
    *distinct = 0;
    qr_buf name = QR_BUF_INIT, x = QR_BUF_INIT, key = QR_BUF_INIT;
    for (int c = 1; c < 1000; c++) {
        qr_buf_reset(&name);
        qr_buf_addf(&name, "EPUB/text/chapter-%03d.xhtml", c);
        qr_buf_reset(&x);
        if (qt_epub_entry(epub, name.ptr, &x) != 0)
            break;
        for (const char *p = x.ptr; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
            n++;
            const char *t = label ? strstr(p, label) : NULL;
            if (!t)
                continue;
            t += strlen(label);
            const char *e = strchr(t, '<');
            size_t l = e ? (size_t)(e - t) : 0;
            while (l > 0 && t[l - 1] == '.')
                l--;
            qr_buf_reset(&key);
            qr_buf_addc(&key, '\n');
            qr_buf_add(&key, t, l);
            qr_buf_addc(&key, '\n');
            if (!names->ptr || !strstr(names->ptr, key.ptr)) {
                if (!names->len)
                    qr_buf_addc(names, '\n');
                qr_buf_add(names, key.ptr + 1, key.len - 1);
                (*distinct)++;
            }
        }
    }
    qr_buf_release(&name);
    qr_buf_release(&x);
    qr_buf_release(&key);
    return n;
}

/* The two plays, in their two layouts: every speech with its speaker's
 * label (counted by reading the texts), stage directions set apart, and
 * the songs of Much Ado kept as verse, a line an element. */
static void test_plays(void)
{
    static const struct {
        const char *src;
        int speeches, speakers, stages;
    } plays[] = {
        /* 977 speeches by 24 speakers ("BALTHASAR [sings.]" once without
         * the stop); 94 directions: 50 in brackets, 42 opening Enter or
         * Exit..., two after a speaker's name */
        {"tests/corpus/much-ado.txt", 977, 24, 94},
        /* 1,082 indented run-in names in the play; the three of its first
         * lines quoted in the producer's notes before it are the notes',
         * front matter, not speeches */
        {"tests/corpus/hamlet-folio.txt", 1082, 0, 0},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(plays); i++) {
        qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT, epub = QR_BUF_INIT, names = QR_BUF_INIT;
        char name[64];
        snprintf(name, sizeof name, "corpus-play-%zu", i);
        qt_scratch(name, &dir);
        const char *argv[] = {S_quire_path(), "build", "-q", "-f", "epub", "-o", dir.ptr,
                              plays[i].src, NULL};
        CHECK_INT_EQ(qt_run(argv, NULL, NULL, &err), 0);
        CHECK_INT_EQ(S_find_output(dir.ptr, ".epub", &epub), 0);
        int distinct = 0, unused = 0;
        int speeches = S_count_in_chapters(epub.ptr, "<div class=\"speech\">",
                                           "<p class=\"speaker\">", &names, &distinct);
        int speakers = S_count_in_chapters(epub.ptr, "<p class=\"speaker\">", NULL, NULL, &unused);
        int stages = S_count_in_chapters(epub.ptr, "<p class=\"stage\">", NULL, NULL, &unused);
        if (qt_verbose())
            fprintf(stderr, "  %s: %d speeches, %d labels, %d speakers, %d directions\n",
                    plays[i].src, speeches, speakers, distinct, stages);
        CHECK_INT_EQ(speeches, plays[i].speeches);
        CHECK_INT_EQ(speakers, plays[i].speeches);
        if (plays[i].speakers)
            CHECK_INT_EQ(distinct, plays[i].speakers);
        if (plays[i].stages)
            CHECK_INT_EQ(stages, plays[i].stages);
        else
            CHECK(stages > 100);
        qr_buf_release(&dir);
        qr_buf_release(&err);
        qr_buf_release(&epub);
        qr_buf_release(&names);
    }
}

/* `quire dump --why` names each heading found and each candidate rejected,
 * with its line and rule. */
static void test_why(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, err = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_scratch("corpus-why", &dir);
    qr_buf_addf(&path, "%s/book.txt", dir.ptr);
    static const char text[] = "A Book\n\n\nI.\n\nThe first part.\n\n\nII.\n\nThe second part.\n\n\n"
                               "INDEX\n\nC.\n\nCats, 3\n";
    CHECK_INT_EQ(qt_write(path.ptr, text, sizeof text - 1), 0);
    const char *argv[] = {S_quire_path(), "dump", "--why", path.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(err.ptr, "book.txt:4: chapter heading: \"I.\" (a lone numeral in sequence)");
    CHECK_CONTAINS(err.ptr, "book.txt:9: chapter heading: \"II.\"");
    CHECK_CONTAINS(err.ptr, "book.txt:16: not a heading: \"C.\" (a lone numeral out of sequence");
    CHECK_CONTAINS(out.ptr, "text \"C.\"");
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&err);
    qr_buf_release(&out);
}

/* A part heading with text straight under it ("BOOK I." then the poem):
 * the heading has its page, the text starts on the next (it was drawn over
 * the heading). */
static void test_part_page(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_scratch("corpus-part-page", &dir);
    qr_buf_addf(&path, "%s/epic.txt", dir.ptr);
    /* the first paragraph runs over more than a page */
    qr_buf text = QR_BUF_INIT;
    qr_buf_adds(&text, "The Epic\n\n\nBOOK I.\n\nSing, goddess, the anger");
    for (int i = 0; i < 400; i++)
        qr_buf_adds(&text, " of the hero and the long road home");
    qr_buf_adds(&text, ".\n\n\nBOOK II.\n\nThe second song begins.\n");
    CHECK_INT_EQ(qt_write(path.ptr, text.ptr, text.len), 0);
    qr_buf_release(&text);
    const char *argv[] = {S_quire_path(), "trace", path.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
    /* the page with the heading ends before the next "page" line */
    const char *h = strstr(out.ptr, "\"BOOK\"\n"); /* not the contents page's link */
    const char *sing = strstr(out.ptr, "\"Sing,\"");
    CHECK(h && sing && sing > h);
    if (h && sing) {
        const char *next_page = strstr(h, "\npage ");
        CHECK(next_page && next_page < sing);
    }
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&out);
}

/* The language picks the hyphenation patterns: German has them (Debian's
 * hyphen-de, in .ci/deps); Latin has none, and the build says so. */
static void test_hyphenation_patterns(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("corpus-hyphen", &dir);
    static const char *const texts[][2] = {
        {"la", "Title: Commentarii\nLanguage: Latin\n\n"
               "*** START OF THE PROJECT GUTENBERG EBOOK COMMENTARII ***\n\n"
               "Gallia est omnis divisa in partes tres.\n\n"
               "*** END OF THE PROJECT GUTENBERG EBOOK COMMENTARII ***\n"},
        {"de", "Title: Probe\nLanguage: German\n\n"
               "*** START OF THE PROJECT GUTENBERG EBOOK PROBE ***\n\n"
               "Als Gregor Samsa eines Morgens aus unruhigen Tr\xC3\xA4umen erwachte.\n\n"
               "*** END OF THE PROJECT GUTENBERG EBOOK PROBE ***\n"},
    };
    for (int i = 0; i < 2; i++) {
        qr_buf_reset(&path);
        qr_buf_addf(&path, "%s/%s.txt", dir.ptr, texts[i][0]);
        CHECK_INT_EQ(qt_write(path.ptr, texts[i][1], strlen(texts[i][1])), 0);
        qr_buf_reset(&err);
        const char *argv[] = {S_quire_path(), "build", "-f", "pdf", "-o", dir.ptr, path.ptr, NULL};
        CHECK_INT_EQ(qt_run(argv, NULL, NULL, &err), 0);
        if (i == 0)
            CHECK_CONTAINS(err.ptr, "no hyphenation patterns for the language 'la'");
        else if (strstr(err.ptr, "no hyphenation patterns"))
            qt_fail(__FILE__, __LINE__, "German: %s", err.ptr);
    }
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&err);
}

void suite_corpus(void)
{
    qt_case("corpus/hyphenation-patterns", test_hyphenation_patterns);
    qt_case("corpus/why", test_why);
    qt_case("corpus/part-page", test_part_page);
    qt_case("corpus/plays", test_plays);
    for (size_t i = 0; i < QR_ARRAY_LEN(books); i++) {
        char name[64];
        snprintf(name, sizeof name, "corpus/%s", books[i].name);
        current = &books[i];
        qt_case(name, test_corpus_book);
    }
}
