/* test_text.c: the plain-text reader: its pieces, its errors, and golden
 * dumps of the document model for the fixtures in tests/golden/. */
#include <stdio.h>
#include <stdlib.h>

#include "../test.h"
#include "read/read.h"
#include "read/text_internal.h"

static void S_check_smart(const char *in, const char *expected)
{
    qr_buf out = QR_BUF_INIT;
    qr_text_smarten(in, strlen(in), 0, &out);
    CHECK_STR_EQ(out.ptr, expected);
    qr_buf_release(&out);
}

static void test_smarten(void)
{
    S_check_smart("\"Hi,\" she said.", "“Hi,” she said.");
    S_check_smart("it's 'quoted' here", "it’s ‘quoted’ here");
    S_check_smart("'Tis '97", "’Tis ’97");
    S_check_smart("wait--no---yes", "wait—no—yes");
    S_check_smart("Mr. ----", "Mr. ——");
    S_check_smart("so...", "so…");
    S_check_smart("a-b", "a-b");
    S_check_smart("(\"x\")", "(“x”)");
    /* already typographic: unchanged */
    S_check_smart("“Done” — yes", "“Done” — yes");
}

static void test_heading_kind(void)
{
    static const struct {
        const char *s;
        qr_heading_kind kind;
    } cases[] = {
        {"CHAPTER 1. Loomings.", QR_HEADING_CHAPTER},
        {"Chapter I", QR_HEADING_CHAPTER},
        {"Chapter 12", QR_HEADING_CHAPTER},
        {"CHAPTER XXVIII", QR_HEADING_CHAPTER},
        {"Letter 4", QR_HEADING_CHAPTER},
        {"BOOK ONE: 1805", QR_HEADING_PART},
        {"PART II", QR_HEADING_PART},
        {"FIRST EPILOGUE: 1813 - 20", QR_HEADING_PART},
        {"I. A SCANDAL IN BOHEMIA", QR_HEADING_CHAPTER},
        {"XII. THE ADVENTURE OF THE COPPER BEECHES", QR_HEADING_CHAPTER},
        {"II.", QR_HEADING_SECTION},
        {"Epilogue", QR_HEADING_CHAPTER},
        {"PREFACE.", QR_HEADING_CHAPTER},
        {"CHAPTER THE FIRST.", QR_HEADING_CHAPTER},
        {"CHAPTER THE TWENTY-SECOND.", QR_HEADING_CHAPTER},
        {"Chapter Twenty-One", QR_HEADING_CHAPTER},
        {"PART THE FIRST", QR_HEADING_PART},
        {"STAVE ONE.", QR_HEADING_CHAPTER},
        {"STAVE I:  MARLEY'S GHOST", QR_HEADING_CHAPTER},
        {"I. The Period", QR_HEADING_CHAPTER},
        {"XIII. The Fellow of No Delicacy", QR_HEADING_CHAPTER},
        {"\xE2\x80\x94 I \xE2\x80\x94", QR_HEADING_SECTION},
        {"12.", QR_HEADING_SECTION},
        {"ACT I", QR_HEADING_PART},
        {"SCENE I. Before LEONATO'S House.", QR_HEADING_CHAPTER},
        {"Book the First--Recalled to Life", QR_HEADING_PART},
        {"CHAPITRE PREMIER", QR_HEADING_CHAPTER},
        {"DEUXI\xC3\x88ME PARTIE", QR_HEADING_PART},
        {"Deuxi\xC3\xA8me partie", QR_HEADING_NONE},
        {"KAPITEL 3", QR_HEADING_CHAPTER},
        {"Erstes Kapitel", QR_HEADING_CHAPTER},
        {"CAP\xC3\x8DTULO II", QR_HEADING_CHAPTER},
        {"Cap\xC3\xADtulo II", QR_HEADING_CHAPTER},
        {"CAPITOLO TERZO", QR_HEADING_CHAPTER},
        {"LIVRE DEUXI\xC3\x88ME", QR_HEADING_PART},
        {"BOOK FOURTH\xE2\x80\x94TO CONFIDE IS SOMETIMES TO DELIVER", QR_HEADING_PART},
        {"FOREWORD", QR_HEADING_CHAPTER},
        {"Vorwort", QR_HEADING_CHAPTER},
        /* Latin: the act and scene of early printed plays, the book and
         * chapter of treatises, ordinals in the three genders */
        {"Actus Primus. Scoena Prima.", QR_HEADING_PART},
        {"ACTUS QUARTUS.", QR_HEADING_PART},
        {"Scena Secunda.", QR_HEADING_CHAPTER},
        {"Scaena Septima", QR_HEADING_CHAPTER},
        {"Sc\xC3\xA6na Tertia.", QR_HEADING_CHAPTER},
        {"LIBER DUODECIMUS", QR_HEADING_PART},
        {"Caput Primum.", QR_HEADING_CHAPTER},
        {"Caput IV", QR_HEADING_CHAPTER},
        {"Prima Pars", QR_HEADING_PART},
        {"Pars Secunda", QR_HEADING_PART},
        {"SCAENA PR\xC4\xAAMA", QR_HEADING_CHAPTER},
        {"Actus Qu\xC4\x81rtus", QR_HEADING_PART},
        {"Actus quintus erat", QR_HEADING_NONE},
        {"scena secunda fuit", QR_HEADING_NONE},
        /* sentences are not headings */
        {"I. The man went home and slept", QR_HEADING_NONE},
        {"19. See Chapter 7, and Chapter 11.", QR_HEADING_NONE},
        {"Act now, said he.", QR_HEADING_NONE},
        {"chapter 1 was dull", QR_HEADING_NONE},
        {"Chapter 5 of the law says", QR_HEADING_NONE},
        {"Part 2 of the plan.", QR_HEADING_NONE},
        {"I. said he, a thing", QR_HEADING_NONE},
        {"It was the best of times", QR_HEADING_NONE},
        {"Iv.", QR_HEADING_NONE},
        {"Books 4", QR_HEADING_NONE},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++) {
        qr_heading_kind k = qr_text_heading_kind(cases[i].s, strlen(cases[i].s));
        if (k != cases[i].kind)
            qt_fail(__FILE__, __LINE__, "heading kind of \"%s\": %d, expected %d", cases[i].s,
                    k, cases[i].kind);
    }
}

static void test_normalize(void)
{
    qr_buf a = QR_BUF_INIT, b = QR_BUF_INIT;
    qr_text_normalize("   I.     A Scandal in Bohemia", 30, &a);
    qr_text_normalize("I. A SCANDAL IN BOHEMIA.", 24, &b);
    CHECK_STR_EQ(a.ptr, b.ptr);
    CHECK_STR_EQ(a.ptr, "I A SCANDAL IN BOHEMIA");
    qr_buf_reset(&a);
    qr_text_normalize("EXTRACTS. (Supplied by a Sub-Sub-Librarian).", 44, &a);
    CHECK_STR_EQ(a.ptr, "EXTRACTS (SUPPLIED BY A SUB-SUB-LIBRARIAN)");
    qr_buf_release(&a);
    qr_buf_release(&b);
}

/* Reads text into a new document and returns its dump (owned). */
static char *S_dump_of(const char *text, int *rc, qr_error *err)
{
    qr_doc *doc = qr_doc_new();
    qr_error_clear(err);
    *rc = qr_read_text(doc, "in.txt", text, strlen(text), QR_READ_FIRST, err);
    qr_buf d = QR_BUF_INIT;
    qr_doc_dump(doc, &d);
    qr_doc_free(doc);
    return qr_buf_detach(&d, NULL);
}

/* S_dump_of with the author's heading rules. */
static char *S_dump_ruled(const char *text, const qr_heading_rules *rules, int *rc, qr_error *err)
{
    qr_doc *doc = qr_doc_new();
    qr_error_clear(err);
    *rc = qr_read_text_with(doc, "in.txt", text, strlen(text), QR_READ_FIRST, rules, err);
    qr_buf d = QR_BUF_INIT;
    qr_doc_dump(doc, &d);
    qr_doc_free(doc);
    return qr_buf_detach(&d, NULL);
}

/* Fables whose titles have no numbering word: the built-in rules see no
 * heading; a pattern, or the titles listed, make them chapters. */
static const char S_fables[] = "Fables of the Field\n\n\n"
                               "The Wolf and the Lamb\n\n"
                               "A wolf met a lamb at the stream and\nfound fault with him.\n\n\n"
                               "The Fox and the Grapes\n\n"
                               "A fox saw grapes hanging high.\n\n\n"
                               "Stave I\n\n"
                               "Marley was dead, to begin with.\n";

static void test_heading_pattern(void)
{
    qr_error err;
    int rc;
    /* without rules: no chapter but the built-in "Stave I" */
    char *d = S_dump_of(S_fables, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK(!strstr(d, "heading level=1\n      text \"The Wolf"));
    free(d);
    static const qr_heading_rule rule[] = {
        {.pattern = "^the [a-z]+ and the [a-z]+$", .level = 1},
        {.pattern = "^Stave [IVX]+$", .level = 2},
    };
    qr_heading_rules rules = {.rules = rule, .n = 2, .file = "book.yaml"};
    d = S_dump_ruled(S_fables, &rules, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_STR_EQ(d, "title \"Fables of the Field\"\n"
                    "document\n"
                    "  chapter kind=front level=1\n"
                    "    paragraph role=title-page\n"
                    "      text \"Fables of the Field\"\n"
                    "  chapter kind=body level=1\n"
                    "    heading level=1\n"
                    "      text \"The Wolf and the Lamb\"\n"
                    "    paragraph\n"
                    "      text \"A wolf met a lamb at the stream and found fault with him.\"\n"
                    "  chapter kind=body level=1\n"
                    "    heading level=1\n"
                    "      text \"The Fox and the Grapes\"\n"
                    "    paragraph\n"
                    "      text \"A fox saw grapes hanging high.\"\n"
                    "    heading level=2\n"
                    "      text \"Stave I\"\n"
                    "    paragraph\n"
                    "      text \"Marley was dead, to begin with.\"\n");
    free(d);
}

static void test_heading_lines(void)
{
    qr_error err;
    int rc;
    static const char *const titles[] = {"  The Wolf and the Lamb ", "The Fox and the grapes"};
    static const qr_heading_rule rule[] = {{.lines = (const char **)titles, .n_lines = 2, .level = 1}};
    qr_heading_rules rules = {.rules = rule, .n = 1, .file = "book.yaml"};
    char *d = S_dump_ruled(S_fables, &rules, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    /* trimmed, but exact: "grapes" is not "Grapes" */
    CHECK_CONTAINS(d, "heading level=1\n      text \"The Wolf and the Lamb\"");
    CHECK(!strstr(d, "heading level=1\n      text \"The Fox"));
    /* the built-in rules still stand */
    CHECK_CONTAINS(d, "heading level=1\n      text \"Stave I\"");
    free(d);
}

static void test_heading_rules_off(void)
{
    qr_error err;
    int rc;
    static const qr_heading_rule rule[] = {{.pattern = "^The Fox", .level = 1}};
    qr_heading_rules rules = {.rules = rule, .n = 1, .builtin_off = 1, .file = "book.yaml"};
    char *d = S_dump_ruled(S_fables, &rules, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "heading level=1\n      text \"The Fox and the Grapes\"");
    /* "Stave I" is text now, and so is the wolf's title */
    CHECK_CONTAINS(d, "paragraph\n      text \"Stave I\"");
    CHECK(!strstr(d, "heading level=1\n      text \"The Wolf"));
    free(d);
    /* a pattern that does not compile: the error is at the manifest's line:col */
    static const qr_heading_rule bad[] = {{.pattern = "^(Stave", .level = 1, .line = 3, .col = 12}};
    qr_heading_rules brules = {.rules = bad, .n = 1, .file = "book.yaml"};
    d = S_dump_ruled(S_fables, &brules, &rc, &err);
    CHECK_INT_EQ(rc, -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_INT_EQ(err.line, 3);
    CHECK_INT_EQ(err.col, 12);
    CHECK_CONTAINS(err.msg, "is not a regular expression");
    free(d);
}

static void test_line_endings_and_bom(void)
{
    qr_error err;
    int rc;
    char *lf = S_dump_of("Title\n\nOne two\nthree.\n\nFour.\n", &rc, &err);
    char *crlf = S_dump_of("\xEF\xBB\xBFTitle\r\n\r\nOne two\r\nthree.\r\n\r\nFour.\r\n", &rc, &err);
    char *cr = S_dump_of("Title\r\rOne two\rthree.\r\rFour.\r", &rc, &err);
    CHECK_STR_EQ(crlf, lf);
    CHECK_STR_EQ(cr, lf);
    CHECK_CONTAINS(lf, "text \"One two three.\"");
    free(lf);
    free(crlf);
    free(cr);
}

static void test_cjk_join(void)
{
    qr_error err;
    int rc;
    /* wrapped Japanese lines join with no space; English ones with one */
    char *d = S_dump_of("題名\n\n日本語の文章が\n折り返されている。\n\nEnglish words\nwrapped here.\n",
                        &rc, &err);
    CHECK_CONTAINS(d, "text \"日本語の文章が折り返されている。\"");
    CHECK_CONTAINS(d, "text \"English words wrapped here.\"");
    CHECK_CONTAINS(d, "language \"ja\"");
    free(d);
}

static void test_errors(void)
{
    qr_error err;
    int rc;
    char *d = S_dump_of("Good line\nbad \xC3\x28 here\n", &rc, &err);
    CHECK_INT_EQ(rc, -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_INT_EQ(err.line, 2);
    CHECK_INT_EQ(err.col, 5);
    CHECK_CONTAINS(err.msg, "UTF-8");
    free(d);

    qr_doc *doc = qr_doc_new();
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_text(doc, "nul.txt", "ab\ncd\0ef", 8, QR_READ_FIRST, &err), -1);
    CHECK_INT_EQ(err.line, 2);
    CHECK_INT_EQ(err.col, 3);
    CHECK_CONTAINS(err.msg, "NUL");
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_text(doc, "ctl.txt", "a\x01", 2, QR_READ_FIRST, &err), -1);
    CHECK_CONTAINS(err.msg, "U+0001");
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_text(doc, "empty.txt", "", 0, QR_READ_FIRST, &err), -1);
    CHECK_CONTAINS(err.msg, "empty");
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_read_text(doc, "blank.txt", "\xEF\xBB\xBF \n\r\n\t\n", 9, QR_READ_FIRST, &err),
                 -1);
    CHECK_CONTAINS(err.msg, "empty");
    qr_doc_free(doc);
}


/* A play of `n` speeches by three recurring speakers, in capitals over
 * their speeches (runin 0) or run in ("  Ros. Speech"). */
static void S_play(qr_buf *out, int n, int runin)
{
    static const char *const caps[] = {"ROSALIND.", "ORLANDO.", "CELIA."};
    static const char *const abbr[] = {"Ros.", "Orl.", "Cel."};
    qr_buf_adds(out, "The Play\n\n\nACT I\n\nSCENE I. A wood.\n\n[Enter Rosalind and Celia.]\n\n");
    for (int i = 0; i < n; i++) {
        if (runin)
            qr_buf_addf(out, "  %s Speech number %d of the play goes\non over a second line.\n",
                        abbr[i % 3], i);
        else
            qr_buf_addf(out, "%s\nSpeech number %d of the play goes\non over a second line.\n",
                        caps[i % 3], i);
        qr_buf_adds(out, i == 7 ? "Exit Orlando.\n\n" : "\n");
    }
}

static void test_play(void)
{
    qr_error err;
    int rc;
    for (int runin = 0; runin < 2; runin++) {
        qr_buf text = QR_BUF_INIT;
        S_play(&text, 24, runin);
        char *d = S_dump_of(text.ptr, &rc, &err);
        CHECK_INT_EQ(rc, 0);
        /* each speech has its speaker's label, then its text */
        int speeches = 0;
        for (const char *p = d; (p = strstr(p, "speech\n")) != NULL; p++)
            speeches++;
        CHECK_INT_EQ(speeches, 24);
        CHECK_CONTAINS(d, runin ? "speaker\n        text \"Ros.\"\n      paragraph\n"
                                  "        text \"Speech number 0 of the play goes on over a "
                                  "second line.\""
                                : "speaker\n        text \"ROSALIND.\"\n      paragraph\n"
                                  "        text \"Speech number 0 of the play goes on over a "
                                  "second line.\"");
        /* stage directions set apart: a bracketed paragraph, and an Exit
         * line inside a speech */
        CHECK_CONTAINS(d, "    stage\n      text \"[Enter Rosalind and Celia.]\"");
        CHECK_CONTAINS(d, "      stage\n        text \"Exit Orlando.\"");
        /* the act and scene nest */
        CHECK_CONTAINS(d, "chapter kind=part level=1\n    heading level=1\n      text \"ACT I\"");
        CHECK_CONTAINS(d, "chapter kind=body level=2\n    heading level=1\n      text \"SCENE I. A wood.\"");
        free(d);
        /* too few speeches for the text's length: not a play */
        qr_buf_reset(&text);
        S_play(&text, 24, runin);
        for (int i = 0; i < 120; i++)
            qr_buf_adds(&text, "A long paragraph of prose follows the scene and runs on for a\n"
                               "while, and on, as a novel's narration does, line after line\n"
                               "after line, with nobody speaking in it at all.\n\n");
        d = S_dump_of(text.ptr, &rc, &err);
        CHECK(!strstr(d, "speaker"));
        free(d);
        qr_buf_release(&text);
    }
}

/* An invented play in the First Folio's layout, headed in Latin: the
 * acts group their scenes, and a line with an act's and a scene's heading
 * is both; a scene's opening "Enter ..." is a stage direction, not the
 * heading's title. */
static void test_latin_play(void)
{
    qr_error err;
    int rc;
    qr_buf text = QR_BUF_INIT;
    static const char *const heads[] = {"Actus Primus. Scoena Prima.", "Scena Secunda.",
                                        "Actus Secundus. Scaena Prima.", "Scena Secunda",
                                        "Scena Tertia.", "Actus Tertius.", "Sc\xC3\xA6na Quarta."};
    static const char *const abbr[] = {"Luc.", "Bru.", "Cas."};
    qr_buf_adds(&text, "The Tragedie of Lucius\n\n");
    for (size_t h = 0; h < QR_ARRAY_LEN(heads); h++) {
        qr_buf_addf(&text, "%s\n\nEnter Lucius and Brutus.\n\n", heads[h]);
        for (int i = 0; i < 12; i++)
            qr_buf_addf(&text, "  %s Speech %d of the scene goes\non over a second line.\n",
                        abbr[i % 3], i);
        qr_buf_adds(&text, "\nExeunt.\n\n\n");
    }
    char *d = S_dump_of(text.ptr, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "chapter kind=part level=1\n    heading level=1\n      text \"Actus Primus.\"\n"
                      "  chapter kind=body level=2\n    heading level=1\n"
                      "      text \"Scoena Prima.\"\n    stage\n"
                      "      text \"Enter Lucius and Brutus.\"");
    CHECK_CONTAINS(d, "chapter kind=part level=1\n    heading level=1\n      text \"Actus Secundus.\"\n"
                      "  chapter kind=body level=2\n    heading level=1\n      text \"Scaena Prima.\"");
    CHECK_CONTAINS(d, "chapter kind=body level=2\n    heading level=1\n      text \"Scena Secunda\"");
    /* an act with no scene on its line: its scene follows in its own */
    CHECK_CONTAINS(d, "chapter kind=part level=1\n    heading level=1\n      text \"Actus Tertius.\"\n"
                      "    stage\n");
    CHECK_CONTAINS(d, "heading level=1\n      text \"Sc\xC3\xA6na Quarta.\"");
    int parts = 0, scenes = 0;
    for (const char *p = d; (p = strstr(p, "chapter kind=part")) != NULL; p++)
        parts++;
    for (const char *p = d; (p = strstr(p, "chapter kind=body level=2")) != NULL; p++)
        scenes++;
    CHECK_INT_EQ(parts, 3);
    CHECK_INT_EQ(scenes, 6);
    free(d);
    qr_buf_release(&text);
}

/* Whether every occurrence of `needle` in d comes after `mark`. */
static int S_only_after(const char *d, const char *mark, const char *needle)
{
    const char *m = strstr(d, mark), *n = strstr(d, needle);
    return m && n && n > m;
}

/* An invented etext in the old form (1990s-2002): a header of no fields,
 * its title, by-line and date over the number, the SMALL PRINT licence
 * with its enumerations "[1] ... [2]", the etext's own title line and a
 * scanner's notes before the book, "End of the Project Gutenberg Etext"
 * after it. */
static void test_old_header(void)
{
    qr_error err;
    int rc;
    const char *old =
        "***The Project Gutenberg's Etext of the Little Book of Quiet Things***\n\n"
        "Please take a look at the important information in this header.\n\n"
        "The Little Book of Quiet Things\n\nby Jane Inventa\n\n"
        "March, 1999  [Etext #9999]\n\n"
        "***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***\n"
        "Why is this \"Small Print!\" statement here?  You know: lawyers.\n\n"
        "LIMITED WARRANTY; DISCLAIMER OF DAMAGES\n"
        "But for the \"Right of Replacement or Refund\" described below,\n"
        "[1] the Project disclaims all liability to you, and [2] YOU HAVE\n"
        "NO REMEDIES FOR NEGLIGENCE.\n\n"
        "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n\n"
        "Project Gutenberg's Etext of Jane Inventa's The Little Book of Quiet Things\n\n\n"
        "Scanner's Notes: I have kept the spelling of the printed text.\n\n"
        "Anything in brackets [] is what I have added.\n\nA. Scanner\n\n"
        "The Little Book of Quiet Things\n\n"
        "CHAPTER I\n\nThe first quiet thing is the snow, which falls.\n\n"
        "CHAPTER II\n\nThe second is the moss, which grows.\n\n\n"
        "End of the Project Gutenberg Etext of The Little Book of Quiet Things\n";
    char *d = S_dump_of(old, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "title \"The Little Book of Quiet Things\"\ncreator aut \"Jane Inventa\"");
    CHECK_CONTAINS(d, "date \"1999-03\"");
    CHECK_CONTAINS(d, "source \"https://www.gutenberg.org/ebooks/9999\"");
    /* the book opens with its title; the header, the licence, the etext's
     * notes and its footer are all at the back, in order, and no note is
     * read in the licence */
    CHECK_CONTAINS(d, "document\n  chapter kind=front level=1\n    paragraph role=title-page\n"
                      "      text \"The Little Book of Quiet Things\"\n"
                      "  chapter kind=body level=1\n    heading level=1\n      text \"CHAPTER I\"");
    static const char *const back[] = {"Please take a look", "Why is this", "*END*THE SMALL PRINT",
                                       "Scanner's Notes", "A. Scanner", "End of the Project"};
    for (size_t i = 0; i < QR_ARRAY_LEN(back); i++)
        if (!S_only_after(d, "chapter kind=back", back[i]))
            qt_fail(__FILE__, __LINE__, "\"%s\" is not in the back matter", back[i]);
    CHECK(!strstr(d, "\n      note\n") && !strstr(d, " note\n"));
    free(d);

    /* without the book's title after them, notes stay: only the etext's
     * title line goes */
    qr_buf text = QR_BUF_INIT;
    qr_buf_adds(&text, old);
    char *at = strstr(text.ptr, "The Little Book of Quiet Things\n\nCHAPTER I");
    memcpy(at, "Some Other Title of Its Own    ", 31);
    d = S_dump_of(text.ptr, &rc, &err);
    CHECK(!S_only_after(d, "chapter kind=back", "Scanner's Notes"));
    CHECK(S_only_after(d, "chapter kind=back", "Project Gutenberg's Etext of Jane"));
    free(d);
    qr_buf_release(&text);

    /* a header with fields, "*END THE SMALL PRINT!" (a space), and the
     * credit "This etext was produced from ..." after it */
    d = S_dump_of("Title: Moss\n\nAuthor: Jane Inventa\n\n"
                  "Release Date: June, 2002  [Etext #3261]\n\n"
                  "***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***\n"
                  "[1] the Project disclaims all liability to you.\n\n"
                  "*END THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.12.12.00*END*\n\n"
                  "This etext was produced from the 1908 edition by A. Scanner.\n\n"
                  "MOSS\n\nCHAPTER I\n\nIt grows.\n\nCHAPTER II\n\nIt grows still.\n",
                  &rc, &err);
    CHECK_CONTAINS(d, "source \"https://www.gutenberg.org/ebooks/3261\"");
    CHECK_CONTAINS(d, "document\n  chapter kind=front level=1\n    paragraph role=title-page\n"
                      "      text \"MOSS\"");
    CHECK(S_only_after(d, "chapter kind=back", "This etext was produced"));
    CHECK(S_only_after(d, "chapter kind=back", "the Project disclaims"));
    free(d);

    /* the later form: "*** START OF THIS PROJECT GUTENBERG EBOOK", and the
     * line over the END marker, "End of Project Gutenberg's ...", is the
     * footer's */
    d = S_dump_of("The Project Gutenberg EBook of Moss, by Jane Inventa\n\nTitle: Moss\n\n"
                  "Author: Jane Inventa\n\n*** START OF THIS PROJECT GUTENBERG EBOOK MOSS ***\n\n"
                  "Moss\n\nCHAPTER I\n\nIt grows.\n\nCHAPTER II\n\nIt grows still.\n\n\n"
                  "End of Project Gutenberg's Moss, by Jane Inventa\n\n"
                  "*** END OF THIS PROJECT GUTENBERG EBOOK MOSS ***\n\nThe licence.\n",
                  &rc, &err);
    CHECK(S_only_after(d, "chapter kind=back", "End of Project Gutenberg"));
    CHECK(S_only_after(d, "It grows still.", "chapter kind=back"));
    free(d);
}

static void test_verse(void)
{
    qr_error err;
    int rc;
    /* a song: lines at their indents (relative), a stanza each block */
    char *d = S_dump_of("Songs\n\nSome prose to open the book, wrapped as prose is wrapped, at the\n"
                        "measure of the text, and running on to fill it line by line to\n"
                        "the end of its paragraph, which comes here.\n\n"
                        "    Sigh no more, ladies, sigh no more,\n"
                        "     Men were deceivers ever;\n"
                        "    One foot in sea, and one on shore,\n"
                        "     To one thing constant never.\n\n"
                        "  I celebrate myself, and sing myself, and what I assume you shall\n"
                        "      assume, for every atom belonging to me as good belongs to you.\n"
                        "  I loafe and invite my soul,\n"
                        "  I lean and loafe at my ease.\n",
                        &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "verse\n      verse_line\n        text \"Sigh no more, ladies, sigh no more,\"\n"
                      "      verse_line indent=1\n        text \"Men were deceivers ever;\"");
    /* a turned line (deeper, in lower case, after a full line) is joined */
    CHECK_CONTAINS(d, "verse_line\n        text \"I celebrate myself, and sing myself, and what I "
                      "assume you shall assume, for every atom");
    CHECK_CONTAINS(d, "paragraph\n      text \"Some prose to open the book");
    free(d);
    /* two indented lines, each broken with room for the next word: a
     * couplet, not a wrapped paragraph */
    d = S_dump_of("Couplet\n\nSome prose to open the book, wrapped as prose is wrapped, at the\n"
                  "measure of the text, and running on to fill it line by line to\n"
                  "the end of its paragraph, which comes here.\n\n"
                  "  I loafe and invite my soul,\n"
                  "  I lean and loafe at my ease observing a spear of summer grass.\n",
                  &rc, &err);
    CHECK_CONTAINS(d, "verse\n      verse_line\n        text \"I loafe and invite my soul,\"");
    free(d);
    /* an indented block quote wrapped to an even edge stays a paragraph */
    d = S_dump_of("Quote\n\nProse.\n\n    The letter ran on in an even hand, line after line\n"
                  "    to the edge of the page, and it said that the ship had\n"
                  "    sailed and would not come back before the winter had\n"
                  "    passed.\n",
                  &rc, &err);
    CHECK(!strstr(d, "verse"));
    CHECK_CONTAINS(d, "text \"The letter ran on in an even hand, line after line to the edge");
    free(d);
}

/* A book of numbered letters, with its printed contents: each number alone
 * on a line, in sequence, heads a letter and takes the addressee under it
 * as its title; a year alone is out of the sequence; a word that heads a
 * piece between two letters is a section of the one before. */
static const char S_letters[] =
    "Letters of a Naturalist\n"
    "\n"
    "CONTENTS OF THE SECOND VOLUME.\n"
    "\n"
    "41. To the Editor\n"
    "42. To the Same\n"
    "43. To Mrs. Hale\n"
    "44. To his Brother\n"
    "\n"
    "\n"
    "41.\n"
    "\n"
    "TO THE EDITOR.\n"
    "\n"
    "London, May 4, 1850.\n"
    "\n"
    "DEAR SIR,--\n"
    "\n"
    "I send you the notes on the herons of the marsh, which I counted on\n"
    "three mornings of the last week from the hide by the old sluice, and\n"
    "which I hope will serve your readers better than my last did.\n"
    "\n"
    "Your obedient servant,\n"
    "\n"
    "J. K. MARSH.\n"
    "\n"
    "\n"
    "42.\n"
    "\n"
    "TO THE EDITOR.\n"
    "\n"
    "1850.\n"
    "\n"
    "The herons are gone from the marsh, and the sluice is broken again by\n"
    "the winter floods, so that the hide stands in water to its sill and no\n"
    "one can reach it without a boat or a long pair of boots.\n"
    "\n"
    "J. K. MARSH.\n"
    "\n"
    "POSTSCRIPT.\n"
    "\n"
    "I forgot to say that the bittern was heard on the last evening, three\n"
    "times, from the reeds beyond the sluice, which nobody here believes.\n"
    "\n"
    "\n"
    "43.\n"
    "\n"
    "TO MRS. HALE.\n"
    "\n"
    "June 2, 1850.\n"
    "\n"
    "MY DEAR MADAM,--\n"
    "\n"
    "Your kind letter found me at the marsh, where I had gone to see the\n"
    "young herons before they leave the nests, and I answer it from there.\n"
    "\n"
    "J. K. MARSH.\n"
    "\n"
    "\n"
    "44.\n"
    "\n"
    "TO HIS BROTHER.\n"
    "\n"
    "DEAR JOHN,--\n"
    "\n"
    "I am home again, and the collections are safe in their boxes, every one\n"
    "of them dry, labelled and counted twice over by the light of the lamp.\n"
    "\n"
    "J. K. MARSH.\n";

static void test_numbered_letters(void)
{
    qr_error err;
    int rc;
    char *d = S_dump_of(S_letters, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    /* the contents is taken out: its entries are nowhere in the text */
    CHECK(!strstr(d, "CONTENTS"));
    CHECK(!strstr(d, "To Mrs. Hale"));
    for (int n = 41; n <= 44; n++) {
        char want[128];
        snprintf(want, sizeof want, "chapter kind=body level=1\n    heading level=1\n      text \"%d.\"\n"
                                    "      line_break\n      text \"TO ", n);
        CHECK_CONTAINS(d, want);
    }
    CHECK_CONTAINS(d, "line_break\n      text \"TO MRS. HALE.\"");
    CHECK_CONTAINS(d, "    paragraph\n      text \"1850.\"");
    CHECK_CONTAINS(d, "    heading level=2\n      text \"POSTSCRIPT.\"");
    /* initials are a signature, not a numeral and a title ("L. V. X."):
     * each letter is signed, the one without an opening too (a book of
     * letters) */
    CHECK(!strstr(d, "heading level=1\n      text \"J. K."));
    int signed_ = 0;
    for (const char *p = d; (p = strstr(p, "role=signature\n      text \"J. K. MARSH.\"")); p++)
        signed_++;
    CHECK_INT_EQ(signed_, 4);
    free(d);
    /* without the contents the run of numbers alone heads the letters */
    const char *body = strstr(S_letters, "\n\n\n41.");
    CHECK(body != NULL);
    qr_buf t = QR_BUF_INIT;
    qr_buf_adds(&t, "Letters of a Naturalist\n");
    qr_buf_adds(&t, body);
    d = S_dump_of(t.ptr, &rc, &err);
    CHECK_CONTAINS(d, "heading level=1\n      text \"41.\"\n      line_break\n      text \"TO THE EDITOR.\"");
    CHECK_CONTAINS(d, "heading level=1\n      text \"44.\"\n      line_break\n      text \"TO HIS BROTHER.\"");
    CHECK_CONTAINS(d, "    paragraph\n      text \"1850.\"");
    free(d);
    /* one number alone is no run: "41." over a title, then prose */
    qr_buf_reset(&t);
    qr_buf_adds(&t, "Notes\n\n\n41.\n\nTO THE EDITOR.\n\nThe herons are gone from the marsh, and "
                    "the sluice is broken.\n");
    d = S_dump_of(t.ptr, &rc, &err);
    CHECK_CONTAINS(d, "    paragraph\n      text \"41.\"");
    free(d);
    qr_buf_release(&t);
}

/* Numbered paragraphs, a page's numbers inside a sentence and a poem's
 * section numbers set on its stanzas' first lines are no headings. */
static const char S_not_headings[] =
    "A Treatise\n"
    "\n"
    "CHAPTER I\n"
    "\n"
    "1. Sun said: the art of war is of vital importance to the State.\n"
    "\n"
    "2. It is a matter of life and death, a road either to safety or to ruin.\n"
    "\n"
    "3. Hence it is a subject of inquiry which can on no account be neglected.\n"
    "\n"
    "CHAPTER II\n"
    "\n"
    "The river rose in the night and the fields by the mill were under\n"
    "water by the morning, and the miller came to the door of the\n"
    "\n"
    "- 12 -\n"
    "\n"
    "house and looked out at them with his hands on his hips, and he\n"
    "\n"
    "- 13 -\n"
    "\n"
    "said nothing at all for a long while, and then he went in again.\n"
    "\n"
    "Song of the Road\n"
    "\n"
    "       1\n"
    "  I walk the road and sing the road,\n"
    "  And what I sing you shall sing.\n"
    "\n"
    "       2\n"
    "  I rest and invite my soul,\n"
    "  I lean at my ease.\n"
    "\n"
    "       3\n"
    "  I am the road and the walker,\n"
    "  And the song of the two.\n";

static void test_numbers_not_headings(void)
{
    qr_error err;
    int rc;
    char *d = S_dump_of(S_not_headings, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    int headings = 0;
    for (const char *p = d; (p = strstr(p, "heading level")); p++)
        headings++;
    CHECK_INT_EQ(headings, 2); /* CHAPTER I, CHAPTER II */
    CHECK_CONTAINS(d, "text \"1. Sun said: the art of war");
    CHECK_CONTAINS(d, "text \"- 12 -\"");
    free(d);
}

/* A caps line that opens a document within the book (a ship's log before
 * a break) is no signature; a letter's, after its dateline and
 * salutation, is. */
static const char S_log[] =
    "The Voyage\n"
    "\n"
    "CHAPTER I\n"
    "\n"
    "_Later._--By the kindness of the harbour master I have been permitted to\n"
    "look over the papers found on board, and I send you a copy of them here,\n"
    "since there is no reason to keep them back from the readers of this paper.\n"
    "\n"
    "                         THE CAPTAIN'S BOOK.\n"
    "\n"
    "\n"
    "_Written at sea._\n"
    "\n"
    "On the first day we sailed at noon with a fair wind and a full hold, and\n"
    "the crew of five in good heart, though the mate said the cargo was strange.\n"
    "\n"
    "       *       *       *       *       *\n"
    "\n"
    "Whitby, 9 August.\n"
    "\n"
    "My dear Lucy,\n"
    "\n"
    "I have read the papers, and they frighten me more than I can say, for the\n"
    "captain wrote them as a man writes who knows that he will not be believed.\n"
    "\n"
    "                                            MINA HARKER.\n"
    "\n"
    "       *       *       *       *       *\n"
    "\n"
    "The next day the storm came in from the sea before the boats were home.\n";

static void test_signature_ends_letter(void)
{
    qr_error err;
    int rc;
    char *d = S_dump_of(S_log, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "    paragraph\n      text \"THE CAPTAIN\xE2\x80\x99S BOOK.\"");
    CHECK_CONTAINS(d, "    paragraph role=signature\n      text \"MINA HARKER.\"");
    free(d);
}

/* Notes in a numbered list under a heading that names them: each takes the
 * call with its number, in the list's order, from the text since the list
 * before it; a paragraph out of sequence ends the list, a note whose call
 * is missing stays text, and a numbered list elsewhere is no notes. */
static void test_notes_list(void)
{
    static const char text[] =
    "Letters from the Coast\n"
    "\n"
    "\n"
    "CHAPTER I.\n"
    "\n"
    "I reached the harbour on a Monday [1] and the tide was out. The\n"
    "innkeeper [2] met me at the quay, and his dog [3] barked.\n"
    "\n"
    "The steps were these:\n"
    "\n"
    "1. Walk to the quay.\n"
    "\n"
    "2. Wait for the boat.\n"
    "\n"
    "NOTES.\n"
    "\n"
    "1. The fourteenth of May.\n"
    "\n"
    "2) A Mr. Penhallow, of whom more later.\n"
    "\n"
    "4. A note out of sequence, which ends the list.\n"
    "\n"
    "\n"
    "CHAPTER II.\n"
    "\n"
    "Die Flut [1] kam, und der Wind [3] drehte.\n"
    "\n"
    "Anmerkungen\n"
    "\n"
    "1. Im Mai.\n"
    "\n"
    "2. A note whose call the text lacks.\n"
    "\n"
    "3. Aus Westen.\n";
    int rc;
    qr_error err;
    char *d = S_dump_of(text, &rc, &err);
    CHECK_INT_EQ(rc, 0);
    CHECK_CONTAINS(d, "text \"I reached the harbour on a Monday\"\n      note\n        paragraph\n"
                      "          text \"The fourteenth of May.\"");
    CHECK_CONTAINS(d, "text \" and the tide was out. The innkeeper\"\n      note\n"
                      "        paragraph\n"
                      "          text \"A Mr. Penhallow, of whom more later.\"");
    CHECK_CONTAINS(d, "his dog [3] barked.");
    CHECK_CONTAINS(d, "text \"1. Walk to the quay.\"");
    CHECK_CONTAINS(d, "text \"NOTES.\"\n    paragraph\n      text \"4. A note out of sequence");
    CHECK_CONTAINS(d, "text \"Die Flut\"\n      note\n        paragraph\n"
                      "          text \"Im Mai.\"");
    CHECK_CONTAINS(d, "text \" kam, und der Wind\"\n      note\n        paragraph\n"
                      "          text \"Aus Westen.\"");
    CHECK_CONTAINS(d, "text \"2. A note whose call the text lacks.\"");
    free(d);
}

/* Golden dumps: tests/golden/NAME.txt read as a book dumps as NAME.dump. */
static int S_make_dump(const char *name, const qr_buf *in, qr_buf *got)
{
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    int rc = qr_read_text(doc, name, in->ptr, in->len, QR_READ_FIRST, &err);
    if (rc < 0)
        qt_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
    else
        qr_doc_dump(doc, got);
    qr_doc_free(doc);
    return rc;
}

static void test_golden(void)
{
    CHECK(qt_golden("tests/golden", ".dump", S_make_dump) >= 5);
}

void suite_text(void)
{
    qt_case("text/smarten", test_smarten);
    qt_case("text/heading-kind", test_heading_kind);
    qt_case("text/normalize", test_normalize);
    qt_case("text/line-endings-bom", test_line_endings_and_bom);
    qt_case("text/cjk-join", test_cjk_join);
    qt_case("text/errors", test_errors);
    qt_case("text/heading-pattern", test_heading_pattern);
    qt_case("text/heading-lines", test_heading_lines);
    qt_case("text/heading-rules-off", test_heading_rules_off);
    qt_case("text/play", test_play);
    qt_case("text/latin-play", test_latin_play);
    qt_case("text/old-header", test_old_header);
    qt_case("text/notes-list", test_notes_list);
    qt_case("text/verse", test_verse);
    qt_case("text/numbered-letters", test_numbered_letters);
    qt_case("text/numbers-not-headings", test_numbers_not_headings);
    qt_case("text/signature-ends-letter", test_signature_ends_letter);
    qt_case("text/golden-dumps", test_golden);
}
