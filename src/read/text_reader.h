/*
 * text_reader.h: the plain-text reader's private state, shared by its steps
 * (text.c runs them in order; see its opening comment). Not for other
 * modules: they call qr_read_text (read.h).
 */
#ifndef QR_TEXT_READER_H
#define QR_TEXT_READER_H

#include <regex.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../base/base.h"
#include "../doc/doc.h"
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
    B_TITLE,    /* a heading's title, a block of its own under the heading line */
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
    int contents_first; /* the block of the printed contents' title */
    int contents_end;  /* the block after the printed contents (0: none) */
    /* decisions on headings, for `quire -v` (owned; printed in line order) */
    struct text_note {
        int line, seq;
        char *msg;
    } *notes;
    int n_notes;
    /* layout */
    int wrap_width;    /* typical width of a hard-wrapped line, in columns */
    int measure;       /* the text's measure: the 98th percentile of its lines' widths */
    int cjk;           /* the book is in a CJK language */
    int in_part;       /* chapters nest in a part */
    int in_chapter;    /* a chapter is open */
    qr_chapter_kind kind; /* ...of this kind */
    int verbatim;      /* no typographic changes (the licence) */
    /* plays (text_play.c) */
    int play;          /* 0: not a play; else the layout of its speakers' names */
    int runin_indented; /* its run-in names are indented: one that is not is text */
    int in_speech;     /* a SPEECH is open */
    int n_stage;       /* stage directions set apart */
    int stage_line;    /* the first one's line */
    qr_buf tmp;
    /* the author's heading rules (book.yaml), their patterns compiled (owned) */
    const qr_heading_rules *rules;
    regex_t *regs; /* one per rule; valid where rules->rules[i].pattern */
} reader;

/* Characters (inline: called per character) ------------------------------ */

static inline uint32_t qr_text_cp_at(const char *s, size_t len, size_t i, int *n)
{
    uint32_t cp;
    *n = qr_utf8_decode(s + i, len - i, &cp);
    return cp;
}

/* The code point that ends s[0..len) (len > 0). */
static inline uint32_t qr_text_last_cp(const char *s, size_t len)
{
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    uint32_t cp;
    qr_utf8_decode(s + i, len - i, &cp);
    return cp;
}

static inline int qr_text_is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0;
}

/* Display width in columns: wide (CJK) characters count two. */
static inline int qr_text_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t c = qr_text_cp_at(s, len, i, &n);
        w += qr_text_is_cjk(c) ? 2 : 1;
        i += (size_t)n;
    }
    return w;
}

/* Strips leading spaces, ASCII and ideographic. */
static inline void qr_text_trim_left(const char **s, size_t *len)
{
    while (*len > 0) {
        int n;
        uint32_t c = qr_text_cp_at(*s, *len, 0, &n);
        if (!qr_text_is_space(c))
            break;
        *s += n;
        *len -= (size_t)n;
    }
}

static inline int qr_text_starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static inline int qr_text_starts_with_ci(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

/* Whether `needle` occurs in s[0..len), ignoring ASCII case. */
static inline int qr_text_contains_ci(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(s + i, needle, n) == 0)
            return 1;
    return 0;
}

/* The length of the note's call ending s[0..len) ("[1]" in "272.[1]"), or
 * 0: no part of the heading or title it follows. */
static inline size_t qr_text_note_call(const char *s, size_t len)
{
    if (len < 3 || s[len - 1] != ']')
        return 0;
    size_t c = len - 1;
    while (c > 0 && s[c - 1] >= '0' && s[c - 1] <= '9')
        c--;
    return c > 0 && c < len - 1 && s[c - 1] == '[' ? len - c + 1 : 0;
}

static inline int qr_text_blank(const reader *r, int i)
{
    return r->lines[i].len == 0;
}

/* The line's text without leading white space. */
static inline const char *qr_text_line(const reader *r, int i, size_t *len)
{
    const char *s = r->lines[i].s;
    *len = r->lines[i].len;
    qr_text_trim_left(&s, len);
    return s;
}

/* Step 1 (text_lines.c): the lines of data[0..len), into r->lines (owned by
 * r, freed by qr_read_text). */
void qr_text_split_lines(reader *r, const char *data, size_t len);

/* Step 2 (text_gutenberg.c): the front and back matter. */
/* Finds the Gutenberg header, its fields (into the book's metadata) and the
 * book's bounds r->body_first, r->body_end, r->licence_first. */
void qr_text_gutenberg(reader *r);
/* Whether the line starts "Name:" or "Two Words:" (a header field). */
int qr_text_is_field_line(const char *s, size_t len);
/* The language of lines [first, end) by their script ("ja", "ko", "zh"), or
 * NULL (static strings). */
const char *qr_text_detect_script(const reader *r, int first, int end);
/* The language of lines [first, end) of a Latin-script text by its
 * commonest little words ("en", "fr", "de", "es", "it"), or NULL when no
 * language stands out (static strings). */
const char *qr_text_detect_words(const reader *r, int first, int end);
/* Adds a creator; name is borrowed and must outlive the document. */
void qr_text_add_creator(qr_meta *m, const char *name, const char *role);
/* Whether a one-line block reads as a title: short, not a sentence. */
int qr_text_title_like(const reader *r, const block *b);
/* The book's metadata from the title block of a text without a header. */
void qr_text_title_block(reader *r, const block_kind *kinds);
/* Emits the Gutenberg header and licence as back matter, verbatim. */
void qr_text_build_licence(reader *r);

/* Step 3 (text_contents.c): blocks and the printed contents. */
/* Groups lines [body_first, body_end) into r->blocks (owned by r). */
void qr_text_make_blocks(reader *r);
/* Appends the block's lines joined by single spaces to out. */
void qr_text_block_joined(const reader *r, const block *b, qr_buf *out);
/* Whether a line reads as a contents entry: a heading by its words, or a
 * line opening or ending with a number. */
int qr_text_entry_like(const char *s, size_t len);
/* Whether a heading's normalised text is the (normalised) contents entry
 * (text_headings.c). */
int qr_text_entry_matches(const char *key, size_t len, int capitals, const char *entry);
/* Reads the printed contents into r->entries and marks its blocks B_SKIP. */
void qr_text_find_contents(reader *r, block_kind *kinds);

/* Step 4 (text_headings.c): what each block is, into kinds[0..n_blocks). */
void qr_text_classify(reader *r, block_kind *kinds);
/* Whether a heading line is its label and number alone, with no title of
 * its own: "CHAPTER THE FIRST.", "STAVE ONE", "— I —", "BOOK ONE: 1805". */
int qr_text_bare_heading(const char *s, size_t len);
/* Where the second of two headings on one line starts, a part's and a
 * chapter's ("ACT I. SCENE I.", "Actus Primus. Scoena Prima."): the offset
 * of the chapter's, else 0. */
size_t qr_text_heading_pair(const char *s, size_t len);
/* Whether the sentence of block `prev` runs on into block b, a line set
 * after one blank line (a letter's "your friend," over "L. VAN
 * BEETHOVEN."; with `numeral`, b a numeral heading's candidate, "Your"
 * over it too), or b ends with a comma: b is no heading (text_letters.c). */
int qr_text_runs_into(const reader *r, const block *prev, const block *b, int numeral);
/* Whether s[0..len) is a short line that reads as a date: a month's name
 * and a number, or a weekday's name ("Vienna, May 4, 1810.", "Monday, 3rd."). */
int qr_text_dateline(const char *s, size_t len);
/* Keeps a note about line `line_no` for `quire -v` (printf-style). */
void qr_text_note(reader *r, int line_no, const char *fmt, ...) QR_PRINTF(3, 4);
/* Prints the notes kept, in line order, and frees them. */
void qr_text_flush_notes(reader *r);
/* Drops the notes kept (a step is done again). */
void qr_text_drop_notes(reader *r);

/* Step 5 (text_inline.c): inside paragraphs. */
/* Appends line i's text to buf, joined to what is there. */
void qr_text_join_line(const reader *r, int i, qr_buf *buf);
/* Emits s as inlines, made typographic unless r->verbatim. */
void qr_text_emit_text(reader *r, const char *s, size_t len);

/* Step 6 (text_blocks.c): building the tree. */
/* Every line of the block is a paragraph of its own (CJK layout). */
int qr_text_line_per_paragraph(const reader *r, const block *b);
/* Emits the block's lines [from, last] as paragraph(s). */
void qr_text_emit_paragraphs(reader *r, const block *b, int from);
void qr_text_close_chapter(reader *r);
void qr_text_open_chapter(reader *r, qr_chapter_kind kind, int level, int line_no);
/* Emits the block's first `lines` lines, and the lines of `title` (or
 * NULL), as a heading of `level`. */
void qr_text_emit_heading(reader *r, const block *b, int level, int lines, const block *title);
/* The typical width of a line of the body, in columns. */
int qr_text_wrap_width(const reader *r);
/* Emits the body's chapters from the classified blocks. */
void qr_text_build_body(reader *r, block_kind *kinds);

/* Step 7 (text_notes.c): Gutenberg's footnotes ("[1]" and "[1] ..." or
 * "[Footnote 1: ...]") as NOTE nodes, in the chapters from `from` (the
 * first this file added) on. */
void qr_text_notes(reader *r, qr_node *from);

/* Step 8 (text_letters.c): the dateline, salutation, closing and signature
 * of letters and diaries (paragraph roles), in the chapters from `from` on. */
void qr_text_letters(reader *r, qr_node *from);

/* Plays (text_play.c). */
/* Whether the text is a play (sets r->play), with notes for -v. */
void qr_text_find_play(reader *r, const block_kind *kinds);
/* Emits paragraph block k of a play: speeches, speakers, stage directions. */
void qr_text_emit_play_block(reader *r, const block_kind *kinds, int k);
/* Whether s opens with a word of the stage ("Enter", "Exit", "Exeunt",
 * "Manet", "Re-enter"): a stage direction. */
int qr_text_stage_word(const char *s, size_t len);
/* Closes the open SPEECH, if any. */
void qr_text_close_speech(reader *r);

/* Verse (text_verse.c). */
/* The width the text was wrapped to: nearly every line is shorter. */
int qr_text_measure(const reader *r);
/* The rule by which the block's lines [from, last] are a stanza, or NULL. */
const char *qr_text_verse_rule(const reader *r, const block *b, int from);
/* Emits them as a VERSE, with a note naming `rule`. */
void qr_text_emit_verse(reader *r, const block *b, int from, const char *rule);

#endif
