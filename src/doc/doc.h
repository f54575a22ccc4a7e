/*
 * doc.h: quire's document model.
 *
 * Every reader builds one of these; every writer walks it (STYLE.md: readers
 * -> one document model -> writers). A document owns an arena: nodes and
 * their strings live in it and are freed with the document.
 *
 * The tree:
 *
 *   DOCUMENT
 *     CHAPTER*            one unit of the book (one XHTML file in the EPUB);
 *                         kind says body chapter, part, front or back matter;
 *                         level 1 for top-level units, 2 for units inside a part
 *       HEADING?          level 1..6, inline children (the chapter's title)
 *       block*            PARAGRAPH, SCENE_BREAK, BLOCK_QUOTE, HEADING,
 *                         LIST, CODE_BLOCK, TABLE, SPEECH, STAGE, VERSE
 *
 *   BLOCK_QUOTE > block*
 *   LIST (ordered?, start, tight?) > LIST_ITEM > block*
 *   CODE_BLOCK                leaf: its text (lines joined by \n, no final
 *                             \n) and an info string (the language)
 *   TABLE (columns, alignments) > TABLE_ROW (header?) > TABLE_CELL > inline*
 *   SPEECH > SPEAKER? block*  a play's speech: the speaker's label (inline*),
 *                             then its PARAGRAPHs, VERSEs and STAGEs
 *   STAGE > inline*           a stage direction, set apart from the speech
 *   VERSE > VERSE_LINE+       a stanza, its lines kept; a VERSE_LINE holds
 *                             inline* and its indent (level: in spaces, 0..12,
 *                             relative to the stanza's least indented line)
 *
 *   inlines (inside PARAGRAPH, HEADING, TABLE_CELL): TEXT, EMPH, STRONG,
 *   LINE_BREAK, CODE (leaf, its text), STRIKE, LINK (url, title) > inline*,
 *   IMAGE (url, title, resolved qr_image) > inline* (its alt text),
 *   NOTE > block* (a footnote: the node stands where it is referenced and
 *   holds the note's own blocks; writers number notes per chapter)
 *
 * A paragraph holding nothing but one IMAGE is a figure: writers set it as
 * a block with the image's title as caption. A paragraph may have a role in
 * a letter or a diary entry (qr_para_role): a line set apart, not prose.
 *
 * Node bodies are private (doc.c); writers go through the accessors below.
 */
#ifndef QR_DOC_H
#define QR_DOC_H

#include <stddef.h>

#include "../base/base.h"

typedef enum qr_node_type {
    QR_NODE_NONE = 0,
    QR_NODE_DOCUMENT,
    /* blocks */
    QR_NODE_CHAPTER,
    QR_NODE_HEADING,
    QR_NODE_PARAGRAPH,
    QR_NODE_SCENE_BREAK,
    QR_NODE_BLOCK_QUOTE,
    QR_NODE_LIST,
    QR_NODE_LIST_ITEM,
    QR_NODE_CODE_BLOCK,
    QR_NODE_TABLE,
    QR_NODE_TABLE_ROW,
    QR_NODE_TABLE_CELL,
    QR_NODE_SPEECH,     /* a play's speech: SPEAKER?, then its blocks */
    QR_NODE_SPEAKER,    /* the speaker's label of a speech: inline* */
    QR_NODE_STAGE,      /* a stage direction, set apart: inline* */
    QR_NODE_VERSE,      /* a stanza: VERSE_LINE+ */
    QR_NODE_VERSE_LINE, /* one line of verse: inline*; level = its indent */
    /* inlines */
    QR_NODE_TEXT,
    QR_NODE_EMPH,
    QR_NODE_STRONG,
    QR_NODE_LINE_BREAK,
    QR_NODE_CODE,
    QR_NODE_STRIKE,
    QR_NODE_LINK,
    QR_NODE_IMAGE,
    QR_NODE_NOTE,
} qr_node_type;

/* TABLE column alignment. */
typedef enum qr_col_align {
    QR_COL_NONE = 0, /* not given: start */
    QR_COL_LEFT,
    QR_COL_CENTER,
    QR_COL_RIGHT,
} qr_col_align;

#define QR_MAX_COLUMNS 64

/*
 * An image's bytes, once resolved from its path (qr_resolve_images): a PNG
 * or JPEG, its media type and size in pixels. `name` is the path inside the
 * book, relative to the project (e.g. "images/map.png"), used for the EPUB
 * manifest item. Several IMAGE nodes may share one qr_image.
 */
typedef struct qr_image {
    const char *name;
    const char *data;
    size_t len;
    const char *type; /* "image/png" or "image/jpeg" */
    int width, height;
} qr_image;

typedef enum qr_chapter_kind {
    QR_CHAPTER_BODY = 0, /* an ordinary chapter */
    QR_CHAPTER_PART,     /* a part or book that groups the chapters after it */
    QR_CHAPTER_FRONT,    /* front matter: title block, preface, epigraph... */
    QR_CHAPTER_BACK,     /* back matter, e.g. a licence kept as it was */
} qr_chapter_kind;

/* PARAGRAPH: its part in a letter or a diary entry, or on the book's own
 * title page. Writers set each role as a line of its own: the dateline and
 * the signature ranged right, the salutation flush left, the closing
 * indented (as letters are printed), a title page's lines centred. */
typedef enum qr_para_role {
    QR_PARA_PROSE = 0,   /* an ordinary paragraph */
    QR_PARA_DATELINE,    /* "Vienna, May 4, 1810.", "Monday, 3rd." */
    QR_PARA_SALUTATION,  /* "My dear Sir,", "DEAR FRIEND!" */
    QR_PARA_CLOSING,     /* "Your friend,", "Ever yours," */
    QR_PARA_SIGNATURE,   /* "BEETHOVEN." */
    QR_PARA_TITLE_PAGE,  /* a line of the book's own title page: centred */
} qr_para_role;

typedef struct qr_doc qr_doc;
typedef struct qr_node qr_node;

/* A creator of the book: name and MARC relator role ("aut", "trl"...). */
typedef struct qr_creator {
    const char *name;
    const char *role;
} qr_creator;

#define QR_MAX_CREATORS 16

/*
 * Book metadata. All strings are arena strings or NULL. Readers fill what
 * they know; writers supply defaults for what is missing.
 */
typedef struct qr_meta {
    const char *title;
    const char *subtitle;
    qr_creator creators[QR_MAX_CREATORS];
    int n_creators;
    const char *language;    /* BCP 47 tag, e.g. "en", "ja" */
    const char *identifier;  /* e.g. "urn:isbn:..."; NULL: writers derive one */
    const char *date;        /* publication date, ISO 8601 (YYYY[-MM[-DD]]) */
    const char *source;      /* where the text comes from, e.g. a Gutenberg URL */
    const char *publisher;
    const char *rights;
    const char *description;
    const char *isbn;                /* ISBN-10 or -13: its digits (and X) alone */
    const char *const *subjects;     /* n_subjects strings (dc:subject, PDF keywords) */
    int n_subjects;
    const char *series;              /* the series the book belongs to */
    const char *series_position;     /* its place in the series, a number ("2") */
    /* The cover image: its bytes (arena), media type ("image/png" or
     * "image/jpeg") and size in pixels; cover_data NULL when there is none. */
    const char *cover_data;
    size_t cover_len;
    const char *cover_type;
    int cover_width, cover_height;
} qr_meta;

/* Owned: free with qr_doc_free. */
qr_doc *qr_doc_new(void);
void qr_doc_free(qr_doc *doc);
/* Borrowed: the document's arena, for strings that live as long as it. */
qr_arena *qr_doc_arena(qr_doc *doc);
/* Borrowed: the document's metadata, writable. */
qr_meta *qr_doc_meta(qr_doc *doc);
const qr_meta *qr_doc_meta_const(const qr_doc *doc);
/* Appends the names of the book's authors (creators with the role aut, or
 * none), joined by ", ": the PDF's Author, the XMP's dc:creator, the cover. */
void qr_meta_authors(const qr_meta *m, qr_buf *out);
/* What a creator with a MARC relator role other than author did, as a
 * title page says it ("Translated by", "Illustrated by"), or NULL for an
 * author (no role, aut) or a role a title page does not name. */
const char *qr_meta_role_phrase(const char *role);
/* Whether a creator is one of the authors a title page names by name
 * alone: a name that is not blank, and no role it names with a phrase. */
int qr_meta_is_author(const qr_creator *c);
/* What comes before the k-th (0-based) of n authors as a title page lists
 * them: "A", "A and B", "A, B, and C". */
const char *qr_meta_author_separator(int k, int n);
/* Borrowed: the DOCUMENT node. */
qr_node *qr_doc_root(const qr_doc *doc);

/* Accessors. Borrowed pointers; NULL where there is none. */
qr_node_type qr_node_get_type(const qr_node *n);
const char *qr_node_type_name(qr_node_type t);
qr_node *qr_node_parent(const qr_node *n);
qr_node *qr_node_first_child(const qr_node *n);
qr_node *qr_node_last_child(const qr_node *n);
qr_node *qr_node_next(const qr_node *n);
qr_node *qr_node_prev(const qr_node *n);
/* TEXT, CODE, CODE_BLOCK: its UTF-8 text (not NUL-terminated: use *len). */
const char *qr_node_text(const qr_node *n, size_t *len);
/* HEADING: 1..6. CHAPTER: 1 or 2 (nesting under a part). */
int qr_node_level(const qr_node *n);
/* LINK, IMAGE: the destination as written. NULL when none. */
const char *qr_node_url(const qr_node *n);
/* LINK, IMAGE: the title; CODE_BLOCK: the info string. NULL when none. */
const char *qr_node_title(const qr_node *n);
/* LIST: ordered (1) or bulleted (0); its first number; tight (no gaps). */
int qr_node_list_ordered(const qr_node *n);
int qr_node_list_start(const qr_node *n);
int qr_node_list_tight(const qr_node *n);
/* PARAGRAPH: its role (QR_PARA_PROSE for any other node). */
qr_para_role qr_node_para_role(const qr_node *n);
/* Static: the role's name ("dateline"), the class the EPUB gives it. */
const char *qr_para_role_name(qr_para_role role);
/* TABLE: its number of columns and the alignment of column i. */
int qr_node_table_columns(const qr_node *n);
qr_col_align qr_node_table_align(const qr_node *n, int i);
/* TABLE_ROW: 1 for a header row. */
int qr_node_row_header(const qr_node *n);
/* IMAGE: the resolved image, or NULL before qr_resolve_images. */
const qr_image *qr_node_image(const qr_node *n);
/* A PARAGRAPH holding one IMAGE and nothing else (but white space): that
 * IMAGE, to be set as a figure; else NULL. */
qr_node *qr_paragraph_figure(const qr_node *paragraph);
qr_chapter_kind qr_node_chapter_kind(const qr_node *n);
/* The node's own language (BCP 47), or NULL: it inherits its parent's. */
const char *qr_node_lang(const qr_node *n);
/* The language in force at n: its own, an ancestor's, or the book's. */
const char *qr_node_effective_lang(const qr_doc *doc, const qr_node *n);
/* Source position the node was read from; *line is 0 when unknown. */
const char *qr_node_source(const qr_node *n, int *line);
/* CHAPTER: its HEADING child if it has one. */
qr_node *qr_chapter_heading(const qr_node *chapter);
/* The book's own title page: the run of QR_PARA_TITLE_PAGE paragraphs that
 * opens the book's first chapter when that is front matter. Returns its
 * first paragraph (borrowed), *last its last, or NULL when the book has
 * none: then the writers make one from the metadata. */
const qr_node *qr_doc_title_page(const qr_doc *doc, const qr_node **last);
/* Appends all text below n (a heading's title, say) to out: TEXT and CODE,
 * a space for LINE_BREAK; NOTE subtrees are skipped. */
void qr_node_plain_text(const qr_node *n, qr_buf *out);
int qr_node_is_block(const qr_node *n);
int qr_node_is_leaf(const qr_node *n);

/* Construction. Strings are copied into the document's arena. */
qr_node *qr_node_new(qr_doc *doc, qr_node_type type);
void qr_node_append_child(qr_node *parent, qr_node *child);
void qr_node_insert_before(qr_node *sibling, qr_node *n);
void qr_node_unlink(qr_node *n);
void qr_node_set_text(qr_doc *doc, qr_node *n, const char *s, size_t len);
void qr_node_set_level(qr_node *n, int level);
void qr_node_set_url(qr_doc *doc, qr_node *n, const char *url);
void qr_node_set_title(qr_doc *doc, qr_node *n, const char *title);
void qr_node_set_list(qr_node *n, int ordered, int start, int tight);
/* aligns: `columns` entries (at most QR_MAX_COLUMNS). */
void qr_node_set_table(qr_doc *doc, qr_node *n, int columns, const qr_col_align *aligns);
void qr_node_set_row_header(qr_node *n, int header);
void qr_node_set_para_role(qr_node *n, qr_para_role role);
void qr_node_set_image(qr_node *n, const qr_image *image);
void qr_node_set_chapter_kind(qr_node *n, qr_chapter_kind kind);
void qr_node_set_lang(qr_doc *doc, qr_node *n, const char *lang);
/* `file` must outlive the document (or be an arena string). */
void qr_node_set_source(qr_node *n, const char *file, int line);

/*
 * The builder: readers report events (md4c's enter_block/leave_block/text)
 * and it grows the tree, so every reader shares one tree-building path.
 * Adjacent text events are merged into one TEXT node.
 */
typedef struct qr_builder {
    qr_doc *doc;
    qr_node *cur;  /* the open container */
    qr_buf text;   /* pending text for the open container */
    const char *file;
    int line;      /* source line of the next node */
} qr_builder;

void qr_builder_init(qr_builder *b, qr_doc *doc);
void qr_builder_finish(qr_builder *b);
/* Opens a container (or adds a leaf, closed at once); returns it. */
qr_node *qr_builder_enter(qr_builder *b, qr_node_type type);
void qr_builder_leave(qr_builder *b);
void qr_builder_text(qr_builder *b, const char *s, size_t len);
void qr_builder_set_pos(qr_builder *b, const char *file, int line);
/* The open container. */
qr_node *qr_builder_current(const qr_builder *b);

/*
 * The iterator (cmark's): walks the tree in document order, reporting ENTER
 * and EXIT for containers and a single ENTER for leaves (TEXT,
 * SCENE_BREAK, LINE_BREAK, CODE, CODE_BLOCK).
 */
typedef enum { QR_EV_DONE = 0, QR_EV_ENTER, QR_EV_EXIT } qr_event;

typedef struct qr_iter {
    const qr_node *root;
    qr_node *node;
    qr_event ev;
} qr_iter;

void qr_iter_init(qr_iter *it, const qr_node *root);
qr_event qr_iter_next(qr_iter *it);
qr_node *qr_iter_node(const qr_iter *it);

/*
 * A stable, human-readable dump of the document (metadata and tree) for
 * golden tests. The format: one node per line, indented two spaces per
 * level, then its type, its attributes and, for TEXT, the quoted text.
 */
void qr_doc_dump(const qr_doc *doc, qr_buf *out);

#endif
