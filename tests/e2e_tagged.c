/*
 * e2e_tagged.c: the tagged PDF (issue 6). Builds the seed book and the rich
 * fixture and reads their structure trees back with poppler (`pdfinfo
 * -struct`), pdfminer (tests/structtext.py: each element's text, as
 * `pdfinfo -struct-text` prints it, ActualText spans read) and qpdf:
 *
 *   - a StructTreeRoot (pdfinfo says Tagged), with the element types the
 *     book calls for: Document, Sect, H1..., P, L/LI/Lbl/LBody,
 *     Table/TR/TH/TD, Figure, Caption, Note, Reference, Link, Code...;
 *   - the text in structure order is the document's, in the model's order
 *     (`quire dump`: a footnote stands where it is called): the seed book's
 *     chapter exactly, letter for letter, so no running head or folio is in
 *     the tree; the rich book's every word in order, only list markers,
 *     note numbers and captions between;
 *   - running heads are not in the tree: the book's title is found only
 *     where the text has it (title page, heading);
 *   - every Figure has its image's alt text (/Alt), the catalog the book's
 *     /Lang, /MarkInfo and DisplayDocTitle; qpdf --check is clean.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static const char *S_quire(void)
{
    return "./quire";
}

/* Builds src's PDF into tests/out/NAME, with the option --break `breaking`
 * unless NULL; pdf gets its path. */
static int S_build(const char *name, const char *src, const char *breaking, const char *pdf_name,
                   qr_buf *pdf)
{
    qr_buf dir = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch(name, &dir);
    const char *argv[] = {S_quire(), "build", "-q", "-f", "pdf", "-o", dir.ptr, src,
                          breaking ? "--break" : NULL, breaking, NULL};
    int rc = qt_run(argv, NULL, NULL, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "build %s: exit %d\n%s", src, rc, err.ptr);
    qr_buf_addf(pdf, "%s/%s", dir.ptr, pdf_name);
    qr_buf_release(&dir);
    qr_buf_release(&err);
    return rc;
}

/* Appends the word characters of s (letters and digits of any script,
 * ASCII lowercased) to out, nothing between words: line ends and
 * hyphenation do not matter. */
static void S_letters(const char *s, size_t len, qr_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        /* a tolerant decoder: a byte that starts no character is skipped */
        uint32_t c = u[i];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        int ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = (u[i + k] & 0xC0) == 0x80;
        if (!ok) {
            i++;
            continue;
        }
        if (n > 1) {
            c &= 0xFFu >> (n + 1);
            for (size_t k = 1; k < n; k++)
                c = (c << 6) | (u[i + k] & 0x3F);
        }
        i += n;
        if (c >= 0xFB00 && c <= 0xFB06) {
            /* a ligature's character (poppler's text of a ligature glyph):
             * its letters, as NFKC has them */
            static const char *const lig[] = {"ff", "fi", "fl", "ffi", "ffl", "st", "st"};
            qr_buf_adds(out, lig[c - 0xFB00]);
            continue;
        }
        if (!c || !qt_word_cp(c))
            continue;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        qr_buf_add_utf8(out, c);
    }
}

/* The dump's quoted string at q (after its opening quote), unescaped. */
static void S_unquote(const char *q, qr_buf *out)
{
    for (; *q && *q != '"'; q++) {
        if (*q == '\\' && q[1]) {
            q++;
            qr_buf_addc(out, *q == 'n' || *q == 't' ? ' ' : *q);
        } else {
            qr_buf_addc(out, *q);
        }
    }
}

/*
 * The document's text in the model's order, from `quire dump`: text, code
 * spans and code blocks; an image's alt text left out (it is the Figure's
 * /Alt, not text). Each string is one entry of words (a NUL after each);
 * alts gets the images' alt texts, captions their titles' letters, a NUL
 * after each.
 */
static int S_model_text(const char *src, qr_buf *words, size_t *n_words, qr_buf *alts,
                        size_t *n_alts, qr_buf *captions, size_t *n_captions)
{
    qr_buf out = QR_BUF_INIT;
    const char *argv[] = {S_quire(), "dump", src, NULL};
    int rc = qt_run(argv, NULL, &out, NULL);
    if (rc != 0) {
        qt_fail(__FILE__, __LINE__, "quire dump %s: exit %d", src, rc);
        qr_buf_release(&out);
        return -1;
    }
    *n_words = 0;
    *n_alts = 0;
    *n_captions = 0;
    long image_indent = -1; /* inside an image: its line's indent */
    qr_buf alt = QR_BUF_INIT;
    for (char *line = out.ptr; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        long indent = (long)strspn(line, " ");
        const char *body = line + indent;
        if (image_indent >= 0 && indent <= image_indent) {
            if (alt.len) {
                qr_buf_add(alts, alt.ptr, alt.len);
                qr_buf_addc(alts, '\0');
                (*n_alts)++;
            }
            qr_buf_reset(&alt);
            image_indent = -1;
        }
        if (strncmp(body, "image ", 6) == 0) {
            image_indent = indent;
            const char *title = strstr(body, " title=\"");
            if (title) {
                qr_buf t = QR_BUF_INIT;
                S_unquote(title + 8, &t);
                S_letters(t.ptr, t.len, captions);
                qr_buf_addc(captions, '\0');
                (*n_captions)++;
                qr_buf_release(&t);
            }
        } else if (image_indent >= 0) {
            if (strncmp(body, "text \"", 6) == 0)
                S_unquote(body + 6, &alt);
        } else if (strncmp(body, "text \"", 6) == 0 || strncmp(body, "code \"", 6) == 0) {
            S_unquote(body + 6, words);
            qr_buf_addc(words, '\0');
            (*n_words)++;
        } else if (strncmp(body, "code_block", 10) == 0) {
            /* its text: the last quoted string of the line */
            const char *q = strstr(body, "\" \"");
            q = q ? q + 3 : strchr(body, '"') + 1;
            if (strncmp(body, "code_block \"", 12) == 0)
                q = body + 12;
            S_unquote(q, words);
            qr_buf_addc(words, '\0');
            (*n_words)++;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (alt.len) {
        qr_buf_add(alts, alt.ptr, alt.len);
        qr_buf_addc(alts, '\0');
        (*n_alts)++;
    }
    qr_buf_release(&alt);
    qr_buf_release(&out);
    return 0;
}

/* The structure tree's text (tests/structtext.py, in the form of `pdfinfo
 * -struct-text`) from the first Sect on (the front matter
 * before it), its word characters only: all in `letters`, and each
 * element's in `chunks` (a NUL after each); all the text, as printed, in
 * `all`. */
static int S_struct_text(const char *pdf, qr_buf *tree, qr_buf *letters, qr_buf *all,
                         qr_buf *chunks, size_t *n_chunks)
{
    const char *argv[] = {"tests/structtext.py", pdf, NULL};
    qr_buf err = QR_BUF_INIT;
    int rc = qt_run(argv, NULL, tree, &err);
    if (rc != 0 || tree->len == 0) {
        qt_fail(__FILE__, __LINE__, "tests/structtext.py %s: exit %d\n%s", pdf, rc, err.ptr);
        qr_buf_release(&err);
        return -1;
    }
    qr_buf_release(&err);
    int in_body = 0;
    for (const char *line = tree->ptr; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (strncmp(line, "  Sect", 6) == 0)
            in_body = 1;
        const char *q0 = memchr(line, '"', len);
        if (q0) {
            const char *q1 = line + len;
            while (q1 > q0 + 1 && q1[-1] != '"')
                q1--;
            if (q1 > q0 + 1) {
                if (in_body) {
                    S_letters(q0 + 1, (size_t)(q1 - 1 - (q0 + 1)), letters);
                    S_letters(q0 + 1, (size_t)(q1 - 1 - (q0 + 1)), chunks);
                    qr_buf_addc(chunks, '\0');
                    (*n_chunks)++;
                }
                qr_buf_add(all, q0 + 1, (size_t)(q1 - 1 - (q0 + 1)));
                qr_buf_addc(all, '\n');
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

static size_t S_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The catalog's keys and every expected /Alt, through qpdf --json. */
static void S_catalog_and_alts(const char *pdf, const char *lang, const qr_buf *alts,
                               size_t n_alts)
{
    qr_buf json = QR_BUF_INIT, msg = QR_BUF_INIT;
    const char *check[] = {"qpdf", "--check", pdf, NULL};
    CHECK_INT_EQ(qt_run(check, NULL, &msg, NULL), 0);
    CHECK_CONTAINS(msg.ptr, "No syntax or stream encoding errors found");
    const char *argv[] = {"qpdf", "--json", pdf, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &json, NULL), 0);
    char want[128];
    snprintf(want, sizeof want, "\"/Lang\": \"u:%s\"", lang);
    CHECK_CONTAINS(json.ptr, want);
    CHECK_CONTAINS(json.ptr, "\"/DisplayDocTitle\": true");
    CHECK_CONTAINS(json.ptr, "\"/Marked\": true");
    CHECK_CONTAINS(json.ptr, "\"/StructTreeRoot\": ");
    const char *a = alts->ptr;
    for (size_t i = 0; i < n_alts; i++, a += strlen(a) + 1) {
        qr_buf w = QR_BUF_INIT;
        qr_buf_addf(&w, "\"/Alt\": \"u:%s\"", a);
        if (!strstr(json.ptr, w.ptr))
            qt_fail(__FILE__, __LINE__, "%s: no Figure has /Alt \"%s\"", pdf, a);
        qr_buf_release(&w);
    }
    CHECK_INT_EQ(S_count(json.ptr, "\"/Alt\": "), n_alts);
    qr_buf_release(&json);
    qr_buf_release(&msg);
}

/* The element types of `pdfinfo -struct`, each as "NAME" on its line. */
static void S_types_present(const char *pdf, const char *const *types, size_t n)
{
    qr_buf out = QR_BUF_INIT;
    const char *argv[] = {"pdfinfo", "-struct", pdf, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, NULL), 0);
    CHECK(strncmp(out.ptr, "Document\n", 9) == 0);
    for (size_t i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, " %s ", types[i]);
        char want_eol[32];
        snprintf(want_eol, sizeof want_eol, " %s\n", types[i]);
        if (!strstr(out.ptr, want) && !strstr(out.ptr, want_eol))
            qt_fail(__FILE__, __LINE__, "%s: no %s element in the structure tree", pdf, types[i]);
    }
    qr_buf_release(&out);
}

/*
 * The tree's text against the model's: every element's text (`chunks`, a
 * NUL after each, from the first Sect on) is found in the model's letters
 * after the one before, within `gap` letters of where it ended; only list
 * markers and note numbers (a few digits), a note's number before its text
 * and figure captions (`captions`) are not the model's text. Returns the
 * share of the model's letters found (0..1), or -1 after failing the case.
 */
static double S_chunks_in_order(const char *pdf, const qr_buf *model, const qr_buf *chunks,
                                size_t n_chunks, const qr_buf *captions, size_t n_captions,
                                size_t gap)
{
    size_t pos = 0, covered = 0;
    const char *c = chunks->ptr;
    for (size_t i = 0; i < n_chunks; i++, c += strlen(c) + 1) {
        const char *t = c;
        size_t len = strlen(t);
        if (len == 0)
            continue;
        size_t digits = strspn(t, "0123456789");
        if (digits == len && len <= 3)
            continue; /* a list marker or a note's number */
        const char *hit = strstr(model->ptr + pos, t);
        if ((!hit || (i > 0 && (size_t)(hit - model->ptr) - pos > gap)) && digits > 0 &&
            digits <= 3) {
            t += digits; /* a note's text after its number */
            len -= digits;
            hit = strstr(model->ptr + pos, t);
        }
        if (hit && (covered == 0 || (size_t)(hit - model->ptr) - pos <= gap)) {
            pos = (size_t)(hit - model->ptr) + len;
            covered += len;
            continue;
        }
        int caption = 0;
        const char *cap = captions->ptr;
        for (size_t k = 0; k < n_captions && !caption; k++, cap += strlen(cap) + 1)
            caption = strncmp(cap, c, strlen(c)) == 0;
        if (caption)
            continue;
        qt_fail(__FILE__, __LINE__,
                "%s: the structure tree's text \"%.60s\" is not the book's next text "
                "(\"%.60s\")",
                pdf, c, model->ptr + pos);
        return -1;
    }
    return model->len ? (double)covered / (double)model->len : 0;
}

/*
 * The words of the tree's text from the first Sect on, as a reader of the
 * tagged text takes them (split at white space, a soft hyphen left out):
 * each is a word of the source, or a compound the source has with its
 * hyphen. So no two words run together (a line's end and a tight space
 * are spaces in the text) and a word hyphenated at a line's end reads as
 * one word (its hyphen U+00AD, not "-"). Returns the number of words that
 * held a soft hyphen.
 */
static size_t S_tree_words(const char *pdf, const qr_buf *tree, const char *src_path)
{
    qr_buf src = QR_BUF_INIT, known = QR_BUF_INIT, w = QR_BUF_INIT, letters = QR_BUF_INIT;
    size_t soft = 0, bad = 0;
    char first_bad[128] = "";
    CHECK_INT_EQ(qt_read(src_path, &src), 0);
    /* the source's words, letters only, each between newlines */
    qr_buf_addc(&known, '\n');
    for (char *t = strtok(src.ptr, " \t\r\n\f"); t; t = strtok(NULL, " \t\r\n\f")) {
        qr_buf_reset(&letters);
        S_letters(t, strlen(t), &letters);
        qr_buf_add(&known, letters.ptr, letters.len);
        qr_buf_addc(&known, '\n');
    }
    qr_buf_release(&src);
    CHECK_INT_EQ(qt_read(src_path, &src), 0);
    const char *body = strstr(tree->ptr, "\n  Sect");
    for (const char *line = body; line && *line;) {
        const char *nl = strchr(line + 1, '\n');
        const char *q0 = strchr(line, '"');
        const char *end = nl ? nl : line + strlen(line);
        if (q0 && q0 < end && end[-1] == '"') {
            for (const char *c = q0 + 1; c < end - 1;) {
                while (c < end - 1 && (*c == ' ' || *c == '\t'))
                    c++;
                const char *e = c;
                while (e < end - 1 && *e != ' ' && *e != '\t')
                    e++;
                if (e == c)
                    break;
                qr_buf_reset(&w);
                int has_soft = 0, has_hyphen = 0;
                for (const char *k = c; k < e; k++) {
                    if ((unsigned char)k[0] == 0xC2 && k + 1 < e && (unsigned char)k[1] == 0xAD) {
                        has_soft = 1;
                        k++;
                        continue;
                    }
                    if (*k == '-' && k > c && k + 1 < e)
                        has_hyphen = 1;
                    qr_buf_addc(&w, *k);
                }
                qr_buf_reset(&letters);
                qr_buf_addc(&letters, '\n');
                S_letters(w.ptr, w.len, &letters);
                qr_buf_addc(&letters, '\n');
                int ok = letters.len == 2 || strstr(known.ptr, letters.ptr) != NULL;
                if (!ok && has_hyphen) {
                    /* a compound: the source has it, hyphen and all */
                    size_t a = 0, b = w.len;
                    while (a < b && !isalnum((unsigned char)w.ptr[a]))
                        a++;
                    while (b > a && !isalnum((unsigned char)w.ptr[b - 1]))
                        b--;
                    qr_buf part = QR_BUF_INIT;
                    qr_buf_add(&part, w.ptr + a, b - a);
                    ok = strstr(src.ptr, part.ptr) != NULL;
                    qr_buf_release(&part);
                }
                soft += has_soft;
                if (!ok && bad++ == 0)
                    snprintf(first_bad, sizeof first_bad, "%.*s", (int)(e - c > 60 ? 60 : e - c),
                             c);
                c = e;
            }
        }
        line = nl;
    }
    if (!body || bad > 0)
        qt_fail(__FILE__, __LINE__,
                "%s: %zu words of the structure tree's text are no word of the source, first: "
                "\"%s\"",
                pdf, bad, first_bad);
    qr_buf_release(&src);
    qr_buf_release(&known);
    qr_buf_release(&w);
    qr_buf_release(&letters);
    return soft;
}

static void test_tagged_seed(void)
{
    qr_buf pdf = QR_BUF_INIT, words = QR_BUF_INIT, alts = QR_BUF_INIT, tree = QR_BUF_INIT;
    qr_buf letters = QR_BUF_INIT, all = QR_BUF_INIT, model = QR_BUF_INIT;
    qr_buf chunks = QR_BUF_INIT, captions = QR_BUF_INIT;
    size_t n_words, n_alts, n_chunks = 0, n_captions;
    const char *src = "seeds/000_5b71d4f8b3bd2c5d.txt";
    /* without font expansion, which gives the seed's lines room enough to
     * need no hyphen at all: with it, none would be there to read whole */
    if (S_build("tagged-seed", src, "expansion=0", "who-hacked-sony.pdf", &pdf) != 0 ||
        S_model_text(src, &words, &n_words, &alts, &n_alts, &captions, &n_captions) != 0 ||
        S_struct_text(pdf.ptr, &tree, &letters, &all, &chunks, &n_chunks) != 0)
        goto done;
    static const char *const types[] = {"Sect", "H1", "P"};
    S_types_present(pdf.ptr, types, QR_ARRAY_LEN(types));
    /* the chapter's text, letter for letter: nothing more (no running head
     * or folio), nothing less, nothing out of order */
    const char *w = words.ptr;
    for (size_t i = 0; i < n_words; i++, w += strlen(w) + 1)
        S_letters(w, strlen(w), &model);
    CHECK(model.len > 3000);
    if (strcmp(model.ptr, letters.ptr) != 0) {
        size_t k = 0;
        while (model.ptr[k] && model.ptr[k] == letters.ptr[k])
            k++;
        qt_fail(__FILE__, __LINE__,
                "%s: the structure tree's text differs from the book's at letter %zu:\n"
                "  tree:  \"%.60s\"\n  book:  \"%.60s\"",
                pdf.ptr, k, letters.ptr + k, model.ptr + k);
    }
    /* word by word: spaces where the source has them (at line ends and
     * on tight lines too), the words hyphenated at line ends whole */
    size_t soft = S_tree_words(pdf.ptr, &tree, src);
    if (soft == 0)
        qt_fail(__FILE__, __LINE__, "%s: no word hyphenated at a line's end has U+00AD",
                pdf.ptr);
    /* the title: on the title page, on its verso's copyright lines and as
     * the chapter's heading, never as a running head */
    CHECK_INT_EQ(S_count(all.ptr, "Who Hacked Sony?"), 3);
    S_catalog_and_alts(pdf.ptr, "en", &alts, n_alts);
done:
    qr_buf_release(&pdf);
    qr_buf_release(&words);
    qr_buf_release(&alts);
    qr_buf_release(&tree);
    qr_buf_release(&letters);
    qr_buf_release(&all);
    qr_buf_release(&model);
    qr_buf_release(&chunks);
    qr_buf_release(&captions);
}

static void test_tagged_rich(void)
{
    qr_buf pdf = QR_BUF_INIT, words = QR_BUF_INIT, alts = QR_BUF_INIT, tree = QR_BUF_INIT;
    qr_buf letters = QR_BUF_INIT, all = QR_BUF_INIT, model = QR_BUF_INIT;
    qr_buf chunks = QR_BUF_INIT, captions = QR_BUF_INIT;
    size_t n_words, n_alts, n_chunks = 0, n_captions;
    const char *src = "tests/fixtures/rich";
    if (S_build("tagged-rich", src, NULL, "the-cartographers-notebook.pdf", &pdf) != 0 ||
        S_model_text(src, &words, &n_words, &alts, &n_alts, &captions, &n_captions) != 0 ||
        S_struct_text(pdf.ptr, &tree, &letters, &all, &chunks, &n_chunks) != 0)
        goto done;
    static const char *const types[] = {
        "Sect", "H1",        "H2",   "H3",    "P",    "L",      "LI",    "Lbl",
        "LBody", "Table",    "TR",   "TH",    "TD",   "Figure", "Caption", "Note",
        "Reference", "Link", "Code", "BlockQuote", "Span", "TOC", "TOCI"};
    S_types_present(pdf.ptr, types, QR_ARRAY_LEN(types));
    const char *w = words.ptr;
    for (size_t i = 0; i < n_words; i++, w += strlen(w) + 1)
        S_letters(w, strlen(w), &model);
    CHECK(model.len > 10000);
    double found = S_chunks_in_order(pdf.ptr, &model, &chunks, n_chunks, &captions, n_captions,
                                     400);
    if (found >= 0 && found < 0.97)
        qt_fail(__FILE__, __LINE__, "%s: the structure tree has %.1f%% of the book's text",
                pdf.ptr, 100 * found);
    if (qt_verbose())
        fprintf(stderr, "%s: %.2f%% of the text in the structure tree, %zu elements\n", pdf.ptr,
                100 * found, n_chunks);
    /* a running head would put the chapter's title on every page after
     * its first: "Soundings" is the heading and a contents entry */
    CHECK_INT_EQ(S_count(all.ptr, "Soundings"), 2);
    /* the book's title: the title page and its verso's copyright lines */
    CHECK_INT_EQ(S_count(all.ptr, "The Cartographer\xE2\x80\x99s Notebook") +
                     S_count(all.ptr, "The Cartographer's Notebook"),
                 2);
    CHECK(n_alts >= 3);
    S_catalog_and_alts(pdf.ptr, "en", &alts, n_alts);
done:
    qr_buf_release(&pdf);
    qr_buf_release(&words);
    qr_buf_release(&alts);
    qr_buf_release(&tree);
    qr_buf_release(&letters);
    qr_buf_release(&all);
    qr_buf_release(&model);
    qr_buf_release(&chunks);
    qr_buf_release(&captions);
}

void suite_tagged(void)
{
    qt_case("tagged/seed", test_tagged_seed);
    qt_case("tagged/rich", test_tagged_rich);
}
