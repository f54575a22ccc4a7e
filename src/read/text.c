/*
 * text.c: the plain-text reader.
 *
 * Reads a manuscript as people type it, and Project Gutenberg texts as they
 * come, into the document model:
 *
 *   1. check the bytes (UTF-8, no NUL or control characters) and split lines
 *      (LF, CRLF or CR; a BOM is skipped);
 *   2. recognise a Project Gutenberg header: metadata from its fields, the
 *      book between the "*** START" and "*** END" markers (in old etexts,
 *      after the SMALL PRINT licence and before "End of the Project
 *      Gutenberg Etext"), the header and the licence kept as back matter,
 *      unedited;
 *   3. group lines into blocks (runs of non-blank lines) and find a printed
 *      table of contents, which is dropped from the body: its entries tell
 *      which later lines are headings, and the EPUB's navigation is made
 *      from those headings;
 *   4. classify each block: heading (part, chapter or section), scene break,
 *      or paragraph(s), and build the tree through the builder;
 *   5. inside paragraphs: join hard-wrapped lines (no space between CJK
 *      characters), make quotes, dashes and ellipses typographic, and turn
 *      _underscored_ words into emphasis;
 *   6. build the tree;
 *   7. on the tree, make footnotes in Gutenberg's conventions ("[1]" in the
 *      text, "[1] ..." or "[Footnote 1: ...]" after it) notes;
 *   8. and set apart the dateline, salutation, closing and signature of
 *      letters and diaries.
 *
 * One file per step: text_lines.c (1), text_gutenberg.c (2), text_contents.c
 * (3), text_headings.c (4), text_inline.c (5), text_blocks.c (6),
 * with plays (speeches, speakers, stage directions) in text_play.c and
 * stanzas in text_verse.c, text_notes.c (7) and text_letters.c (8);
 * their shared state is in text_reader.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

/*
 * Whether a contents list none of whose entries stands as a heading is still
 * one: most of its lines read as entries and the text has headings of its
 * own. Then the two disagree, the text wins, and the list is dropped all the
 * same.
 */
static int S_contents_disagrees(reader *r, const block_kind *kinds)
{
    int like = 0, lines = 0, headings = 0;
    for (int k = r->contents_first + 1; k < r->contents_end; k++)
        for (int i = r->blocks[k].first; i <= r->blocks[k].last; i++) {
            size_t l;
            const char *t = qr_text_line(r, i, &l);
            like += qr_text_entry_like(t, l);
            lines++;
        }
    for (int k = 0; k < r->n_blocks; k++)
        headings += kinds[k] == B_PART || kinds[k] == B_CHAPTER;
    if (like * 3 < lines * 2 || headings < 2)
        return 0;
    qr_text_note(r, r->lines[r->blocks[r->contents_first].first].no,
                 "the printed contents and the headings of the text disagree: the text wins, "
                 "and the contents is dropped");
    return 1;
}

/* Compiles the author's heading patterns into r->regs; -1 with err set at
 * the pattern's line:col when one does not compile. */
static int S_compile_rules(reader *r, const qr_heading_rules *rules, qr_error *err)
{
    r->rules = rules;
    if (!rules || rules->n == 0)
        return 0;
    r->regs = xcalloc((size_t)rules->n, sizeof *r->regs);
    for (int i = 0; i < rules->n; i++) {
        const qr_heading_rule *h = &rules->rules[i];
        if (!h->pattern)
            continue;
        int rc = regcomp(&r->regs[i], h->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            regerror(rc, &r->regs[i], msg, sizeof msg);
            for (int j = 0; j < i; j++)
                if (rules->rules[j].pattern)
                    regfree(&r->regs[j]);
            free(r->regs);
            r->regs = NULL;
            r->rules = NULL;
            return qr_error_set(err, QR_EX_DATAERR, rules->file, h->line, h->col,
                                "headings.pattern: '%s' is not a regular expression: %s",
                                h->pattern, msg);
        }
    }
    return 0;
}

int qr_read_text(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                 qr_error *err)
{
    return qr_read_text_with(doc, file, data, len, flags, NULL, err);
}

int qr_read_text_with(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                      const qr_heading_rules *rules, qr_error *err)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.doc = doc;
    r.file = file;
    r.flags = flags;
    qr_buf_init(&r.tmp);
    block_kind *kinds = NULL;
    int rc = -1;

    if (S_compile_rules(&r, rules, err) < 0)
        return -1;
    if (qr_read_check(file, data, len, err) < 0)
        goto done;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    qr_text_split_lines(&r, data, len);
    int text = 0;
    for (int i = 0; i < r.n_lines && !text; i++)
        text = !qr_text_blank(&r, i);
    if (!text) {
        qr_error_set(err, QR_EX_DATAERR, file, 0, 0, "empty manuscript: no text in this file");
        goto done;
    }
    qr_text_gutenberg(&r);
    qr_meta *m = qr_doc_meta(doc);
    if (!m->language && (flags & QR_READ_FIRST))
        m->language = qr_text_detect_script(&r, r.body_first, r.body_end);
    if (!m->language && (flags & QR_READ_FIRST))
        m->language = qr_text_detect_words(&r, r.body_first, r.body_end);
    const char *lang = m->language ? m->language : "en";
    r.cjk = strcmp(lang, "ja") == 0 || strcmp(lang, "zh") == 0 || strcmp(lang, "ko") == 0;
    r.wrap_width = qr_text_wrap_width(&r);
    r.measure = qr_text_measure(&r);
    qr_text_make_blocks(&r);
    kinds = xcalloc((size_t)r.n_blocks + 1, sizeof(block_kind));
    qr_text_find_contents(&r, kinds);
    qr_text_classify(&r, kinds);
    if (r.n_entries > 0 && r.next_entry == 0 && !S_contents_disagrees(&r, kinds)) {
        /* No entry of the "contents" stands again as a heading: it was no
         * contents list (it may have run to the end of the book), and its
         * lines are text, never dropped. */
        for (int i = 0; i < r.n_entries; i++)
            free(r.entries[i]);
        r.n_entries = 0;
        r.contents_end = 0;
        memset(kinds, 0, ((size_t)r.n_blocks + 1) * sizeof(block_kind));
        qr_text_drop_notes(&r);
        qr_text_classify(&r, kinds);
    }
    if (r.n_entries > 0)
        qr_text_note(&r, r.lines[r.blocks[r.contents_first].first].no,
                     "the printed contents, to line %d, is taken out (%d entries)",
                     r.lines[r.blocks[r.contents_end - 1].last].no, r.n_entries);
    qr_text_find_play(&r, kinds);
    qr_text_flush_notes(&r);
    qr_text_title_block(&r, kinds);

    qr_builder_init(&r.b, doc);
    qr_node *before = qr_node_last_child(qr_doc_root(doc));
    qr_text_build_body(&r, kinds);
    qr_node *added = before ? qr_node_next(before) : qr_node_first_child(qr_doc_root(doc));
    qr_text_notes(&r, added);
    qr_text_letters(&r, added);
    qr_text_flush_notes(&r);
    if (r.pg)
        qr_text_build_licence(&r);
    qr_builder_finish(&r.b);
    if (r.n_stage > 0)
        qr_text_note(&r, r.stage_line,
                     "stage directions: %d set apart (in brackets or italics, or opening "
                     "Enter, Exit, Exeunt...)",
                     r.n_stage);
    qr_text_flush_notes(&r); /* the verse and stage directions found while building */
    rc = 0;
done:
    free(kinds);
    free(r.lines);
    free(r.blocks);
    for (int i = 0; i < r.n_entries; i++)
        free(r.entries[i]);
    free(r.entries);
    qr_text_drop_notes(&r);
    qr_buf_release(&r.tmp);
    if (r.regs) {
        for (int i = 0; i < r.rules->n; i++)
            if (r.rules->rules[i].pattern)
                regfree(&r.regs[i]);
        free(r.regs);
    }
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
