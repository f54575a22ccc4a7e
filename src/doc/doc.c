/* doc.c: the document model: nodes, tree edits, builder, iterator, dump. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"

struct qr_node {
    qr_node_type type;
    qr_node *parent, *first, *last, *next, *prev;
    const char *text; /* TEXT, CODE, CODE_BLOCK */
    size_t len;
    int level;        /* HEADING, CHAPTER; LIST: start; TABLE: columns;
                       * PARAGRAPH: its qr_para_role */
    int flags;        /* LIST: ordered, tight; TABLE_ROW: header */
    const char *url;  /* LINK, IMAGE */
    const char *title; /* LINK, IMAGE; CODE_BLOCK: info string */
    unsigned char *aligns;  /* TABLE: one qr_align per column */
    const qr_image *image;  /* IMAGE */
    qr_chapter_kind kind;
    const char *lang;
    const char *file;
    int line;
};

enum { S_ORDERED = 1, S_TIGHT = 2, S_HEADER = 4 };

struct qr_doc {
    qr_arena *arena;
    qr_meta meta;
    qr_node *root;
};

qr_doc *qr_doc_new(void)
{
    qr_doc *doc = xcalloc(1, sizeof *doc);
    doc->arena = qr_arena_new();
    doc->root = qr_node_new(doc, QR_NODE_DOCUMENT);
    return doc;
}

void qr_doc_free(qr_doc *doc)
{
    if (!doc)
        return;
    qr_arena_free(doc->arena);
    free(doc);
}

qr_arena *qr_doc_arena(qr_doc *doc) { return doc->arena; }
qr_meta *qr_doc_meta(qr_doc *doc) { return &doc->meta; }
const qr_meta *qr_doc_meta_const(const qr_doc *doc) { return &doc->meta; }
qr_node *qr_doc_root(const qr_doc *doc) { return doc->root; }

qr_node_type qr_node_get_type(const qr_node *n) { return n ? n->type : QR_NODE_NONE; }
qr_node *qr_node_parent(const qr_node *n) { return n->parent; }
qr_node *qr_node_first_child(const qr_node *n) { return n->first; }
qr_node *qr_node_last_child(const qr_node *n) { return n->last; }
qr_node *qr_node_next(const qr_node *n) { return n->next; }
qr_node *qr_node_prev(const qr_node *n) { return n->prev; }
int qr_node_level(const qr_node *n) { return n->level; }
const char *qr_node_url(const qr_node *n) { return n->url; }
const char *qr_node_title(const qr_node *n) { return n->title; }
int qr_node_list_ordered(const qr_node *n) { return (n->flags & S_ORDERED) != 0; }
int qr_node_list_start(const qr_node *n) { return n->level; }
int qr_node_list_tight(const qr_node *n) { return (n->flags & S_TIGHT) != 0; }
int qr_node_table_columns(const qr_node *n) { return n->type == QR_NODE_TABLE ? n->level : 0; }
int qr_node_row_header(const qr_node *n) { return (n->flags & S_HEADER) != 0; }
const qr_image *qr_node_image(const qr_node *n) { return n->image; }

qr_col_align qr_node_table_align(const qr_node *n, int i)
{
    if (n->type != QR_NODE_TABLE || i < 0 || i >= n->level || !n->aligns)
        return QR_COL_NONE;
    return (qr_col_align)n->aligns[i];
}

qr_node *qr_paragraph_figure(const qr_node *p)
{
    qr_node *image = NULL;
    if (p->type != QR_NODE_PARAGRAPH)
        return NULL;
    for (qr_node *c = p->first; c; c = c->next) {
        if (c->type == QR_NODE_IMAGE && !image) {
            image = c;
        } else if (c->type == QR_NODE_TEXT) {
            for (size_t i = 0; i < c->len; i++)
                if (c->text[i] != ' ' && c->text[i] != '\t' && c->text[i] != '\n')
                    return NULL;
        } else {
            return NULL;
        }
    }
    return image;
}
qr_chapter_kind qr_node_chapter_kind(const qr_node *n) { return n->kind; }
const char *qr_node_lang(const qr_node *n) { return n->lang; }

const char *qr_node_text(const qr_node *n, size_t *len)
{
    if (len)
        *len = n->text ? n->len : 0;
    return n->text ? n->text : "";
}

const char *qr_node_effective_lang(const qr_doc *doc, const qr_node *n)
{
    for (; n; n = n->parent)
        if (n->lang)
            return n->lang;
    return doc->meta.language ? doc->meta.language : "en";
}

const char *qr_node_source(const qr_node *n, int *line)
{
    if (line)
        *line = n->line;
    return n->file;
}

const char *qr_node_type_name(qr_node_type t)
{
    switch (t) {
    case QR_NODE_DOCUMENT: return "document";
    case QR_NODE_CHAPTER: return "chapter";
    case QR_NODE_HEADING: return "heading";
    case QR_NODE_PARAGRAPH: return "paragraph";
    case QR_NODE_SCENE_BREAK: return "scene_break";
    case QR_NODE_BLOCK_QUOTE: return "block_quote";
    case QR_NODE_TEXT: return "text";
    case QR_NODE_EMPH: return "emph";
    case QR_NODE_STRONG: return "strong";
    case QR_NODE_LINE_BREAK: return "line_break";
    case QR_NODE_LIST: return "list";
    case QR_NODE_LIST_ITEM: return "item";
    case QR_NODE_CODE_BLOCK: return "code_block";
    case QR_NODE_TABLE: return "table";
    case QR_NODE_TABLE_ROW: return "row";
    case QR_NODE_TABLE_CELL: return "cell";
    case QR_NODE_SPEECH: return "speech";
    case QR_NODE_SPEAKER: return "speaker";
    case QR_NODE_STAGE: return "stage";
    case QR_NODE_VERSE: return "verse";
    case QR_NODE_VERSE_LINE: return "verse_line";
    case QR_NODE_CODE: return "code";
    case QR_NODE_STRIKE: return "strike";
    case QR_NODE_LINK: return "link";
    case QR_NODE_IMAGE: return "image";
    case QR_NODE_NOTE: return "note";
    case QR_NODE_NONE: break;
    }
    return "none";
}

int qr_node_is_leaf(const qr_node *n)
{
    switch (n->type) {
    case QR_NODE_TEXT:
    case QR_NODE_SCENE_BREAK:
    case QR_NODE_LINE_BREAK:
    case QR_NODE_CODE:
    case QR_NODE_CODE_BLOCK:
        return 1;
    default:
        return 0;
    }
}

int qr_node_is_block(const qr_node *n)
{
    return n->type >= QR_NODE_DOCUMENT && n->type <= QR_NODE_VERSE_LINE;
}

qr_node *qr_chapter_heading(const qr_node *chapter)
{
    for (qr_node *c = chapter->first; c; c = c->next)
        if (c->type == QR_NODE_HEADING)
            return c;
    return NULL;
}

const qr_node *qr_doc_title_page(const qr_doc *doc, const qr_node **last)
{
    const qr_node *ch = qr_doc_root(doc)->first;
    *last = NULL;
    if (!ch || ch->type != QR_NODE_CHAPTER || qr_node_chapter_kind(ch) != QR_CHAPTER_FRONT)
        return NULL;
    for (const qr_node *c = ch->first; c && qr_node_para_role(c) == QR_PARA_TITLE_PAGE; c = c->next)
        *last = c;
    return *last ? ch->first : NULL;
}

void qr_node_plain_text(const qr_node *n, qr_buf *out)
{
    /* recursive descent, but NOTEs are skipped and inlines nest shallowly */
    if (n->type == QR_NODE_TEXT || n->type == QR_NODE_CODE) {
        qr_buf_add(out, n->text, n->len);
        return;
    }
    if (n->type == QR_NODE_LINE_BREAK) {
        qr_buf_addc(out, ' ');
        return;
    }
    qr_iter it;
    qr_iter_init(&it, n);
    while (qr_iter_next(&it) != QR_EV_DONE) {
        qr_node *c = it.node;
        if (it.ev != QR_EV_ENTER)
            continue;
        if (c->type == QR_NODE_NOTE && c != n) {
            /* skip the note: leave the iterator at its exit */
            it.node = c;
            it.ev = QR_EV_EXIT;
            continue;
        }
        if (c->type == QR_NODE_TEXT || c->type == QR_NODE_CODE)
            qr_buf_add(out, c->text, c->len);
        else if (c->type == QR_NODE_LINE_BREAK)
            qr_buf_addc(out, ' ');
    }
}

/* Construction ------------------------------------------------------------ */

qr_node *qr_node_new(qr_doc *doc, qr_node_type type)
{
    qr_node *n = qr_arena_alloc(doc->arena, sizeof *n);
    n->type = type;
    if (type == QR_NODE_CHAPTER || type == QR_NODE_HEADING)
        n->level = 1;
    return n;
}

void qr_node_unlink(qr_node *n)
{
    qr_node *p = n->parent;
    if (n->prev)
        n->prev->next = n->next;
    else if (p)
        p->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else if (p)
        p->last = n->prev;
    n->parent = n->prev = n->next = NULL;
}

void qr_node_append_child(qr_node *parent, qr_node *child)
{
    qr_node_unlink(child);
    child->parent = parent;
    child->prev = parent->last;
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

void qr_node_insert_before(qr_node *sibling, qr_node *n)
{
    qr_node_unlink(n);
    n->parent = sibling->parent;
    n->next = sibling;
    n->prev = sibling->prev;
    if (sibling->prev)
        sibling->prev->next = n;
    else if (sibling->parent)
        sibling->parent->first = n;
    sibling->prev = n;
}

void qr_node_set_text(qr_doc *doc, qr_node *n, const char *s, size_t len)
{
    n->text = qr_arena_strndup(doc->arena, s, len);
    n->len = len;
}

void qr_node_set_level(qr_node *n, int level) { n->level = level; }

qr_para_role qr_node_para_role(const qr_node *n)
{
    return n->type == QR_NODE_PARAGRAPH ? (qr_para_role)n->level : QR_PARA_PROSE;
}

void qr_node_set_para_role(qr_node *n, qr_para_role role)
{
    if (n->type == QR_NODE_PARAGRAPH)
        n->level = (int)role;
}

const char *qr_para_role_name(qr_para_role role)
{
    static const char *const names[] = {"prose",   "dateline",  "salutation",
                                        "closing", "signature", "title-page"};
    return (unsigned)role < sizeof names / sizeof *names ? names[role] : "prose";
}
void qr_node_set_image(qr_node *n, const qr_image *image) { n->image = image; }

void qr_node_set_url(qr_doc *doc, qr_node *n, const char *url)
{
    n->url = url ? qr_arena_strdup(doc->arena, url) : NULL;
}

void qr_node_set_title(qr_doc *doc, qr_node *n, const char *title)
{
    n->title = title ? qr_arena_strdup(doc->arena, title) : NULL;
}

void qr_node_set_list(qr_node *n, int ordered, int start, int tight)
{
    n->flags = (ordered ? S_ORDERED : 0) | (tight ? S_TIGHT : 0);
    n->level = start;
}

void qr_node_set_table(qr_doc *doc, qr_node *n, int columns, const qr_col_align *aligns)
{
    if (columns > QR_MAX_COLUMNS)
        columns = QR_MAX_COLUMNS;
    n->level = columns;
    n->aligns = qr_arena_alloc(doc->arena, (size_t)columns + 1);
    for (int i = 0; i < columns; i++)
        n->aligns[i] = (unsigned char)(aligns ? aligns[i] : QR_COL_NONE);
}

void qr_node_set_row_header(qr_node *n, int header)
{
    n->flags = header ? S_HEADER : 0;
}
void qr_node_set_chapter_kind(qr_node *n, qr_chapter_kind kind) { n->kind = kind; }

void qr_node_set_lang(qr_doc *doc, qr_node *n, const char *lang)
{
    n->lang = lang ? qr_arena_strdup(doc->arena, lang) : NULL;
}

void qr_node_set_source(qr_node *n, const char *file, int line)
{
    n->file = file;
    n->line = line;
}

/* Builder ----------------------------------------------------------------- */

void qr_builder_init(qr_builder *b, qr_doc *doc)
{
    b->doc = doc;
    b->cur = doc->root;
    qr_buf_init(&b->text);
    b->file = NULL;
    b->line = 0;
}

static void S_flush_text(qr_builder *b)
{
    if (b->text.len == 0)
        return;
    qr_node *t = qr_node_new(b->doc, QR_NODE_TEXT);
    qr_node_set_text(b->doc, t, b->text.ptr, b->text.len);
    qr_node_set_source(t, b->file, b->line);
    qr_node_append_child(b->cur, t);
    qr_buf_reset(&b->text);
}

void qr_builder_finish(qr_builder *b)
{
    S_flush_text(b);
    qr_buf_release(&b->text);
    b->cur = b->doc->root;
}

void qr_builder_set_pos(qr_builder *b, const char *file, int line)
{
    b->file = file;
    b->line = line;
}

qr_node *qr_builder_enter(qr_builder *b, qr_node_type type)
{
    S_flush_text(b);
    qr_node *n = qr_node_new(b->doc, type);
    qr_node_set_source(n, b->file, b->line);
    qr_node_append_child(b->cur, n);
    if (!qr_node_is_leaf(n))
        b->cur = n;
    return n;
}

void qr_builder_leave(qr_builder *b)
{
    S_flush_text(b);
    if (b->cur->parent)
        b->cur = b->cur->parent;
}

void qr_builder_text(qr_builder *b, const char *s, size_t len)
{
    qr_buf_add(&b->text, s, len);
}

qr_node *qr_builder_current(const qr_builder *b)
{
    return b->cur;
}

/* Iterator ---------------------------------------------------------------- */

void qr_iter_init(qr_iter *it, const qr_node *root)
{
    it->root = root;
    it->node = NULL; /* NULL with QR_EV_DONE: not started */
    it->ev = QR_EV_DONE;
}

qr_event qr_iter_next(qr_iter *it)
{
    qr_node *cur = it->node;
    if (!cur) {
        if (it->ev == QR_EV_DONE && it->root) {
            it->node = (qr_node *)it->root;
            return it->ev = QR_EV_ENTER;
        }
        return QR_EV_DONE;
    }
    if (it->ev == QR_EV_DONE)
        return QR_EV_DONE;
    if (it->ev == QR_EV_ENTER && !qr_node_is_leaf(cur)) {
        if (cur->first) {
            it->node = cur->first;
            return it->ev = QR_EV_ENTER;
        }
        return it->ev = QR_EV_EXIT;
    }
    if (cur == it->root)
        return it->ev = QR_EV_DONE;
    if (cur->next) {
        it->node = cur->next;
        return it->ev = QR_EV_ENTER;
    }
    it->node = cur->parent;
    return it->ev = QR_EV_EXIT;
}

qr_node *qr_iter_node(const qr_iter *it)
{
    return it->node;
}

/* Dump -------------------------------------------------------------------- */

static void S_dump_string(qr_buf *out, const char *s, size_t len)
{
    qr_buf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': qr_buf_adds(out, "\\\""); break;
        case '\\': qr_buf_adds(out, "\\\\"); break;
        case '\n': qr_buf_adds(out, "\\n"); break;
        case '\t': qr_buf_adds(out, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                qr_buf_addf(out, "\\x%02x", c);
            else
                qr_buf_addc(out, (char)c);
        }
    }
    qr_buf_addc(out, '"');
}

static void S_dump_field(qr_buf *out, const char *name, const char *value)
{
    if (!value)
        return;
    qr_buf_addf(out, "%s ", name);
    S_dump_string(out, value, strlen(value));
    qr_buf_addc(out, '\n');
}

static const char *S_kind_name(qr_chapter_kind k)
{
    switch (k) {
    case QR_CHAPTER_BODY: return "body";
    case QR_CHAPTER_PART: return "part";
    case QR_CHAPTER_FRONT: return "front";
    case QR_CHAPTER_BACK: return "back";
    }
    return "?";
}

void qr_doc_dump(const qr_doc *doc, qr_buf *out)
{
    const qr_meta *m = &doc->meta;
    S_dump_field(out, "title", m->title);
    S_dump_field(out, "subtitle", m->subtitle);
    for (int i = 0; i < m->n_creators; i++) {
        qr_buf_addf(out, "creator %s ", m->creators[i].role ? m->creators[i].role : "aut");
        S_dump_string(out, m->creators[i].name, strlen(m->creators[i].name));
        qr_buf_addc(out, '\n');
    }
    S_dump_field(out, "language", m->language);
    S_dump_field(out, "identifier", m->identifier);
    S_dump_field(out, "date", m->date);
    S_dump_field(out, "source", m->source);
    S_dump_field(out, "publisher", m->publisher);
    S_dump_field(out, "rights", m->rights);
    S_dump_field(out, "description", m->description);
    /* Later fields: a line only when set, so older dumps stay valid. */
    S_dump_field(out, "isbn", m->isbn);
    for (int i = 0; i < m->n_subjects; i++)
        S_dump_field(out, "subject", m->subjects[i]);
    S_dump_field(out, "series", m->series);
    S_dump_field(out, "series-position", m->series_position);
    if (m->cover_data)
        qr_buf_addf(out, "cover %s %dx%d %zu bytes\n", m->cover_type ? m->cover_type : "?",
                    m->cover_width, m->cover_height, m->cover_len);

    qr_iter it;
    qr_iter_init(&it, doc->root);
    int depth = 0;
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *n = it.node;
        if (ev == QR_EV_EXIT) {
            depth--;
            continue;
        }
        for (int i = 0; i < depth; i++)
            qr_buf_adds(out, "  ");
        qr_buf_adds(out, qr_node_type_name(n->type));
        if (n->type == QR_NODE_CHAPTER)
            qr_buf_addf(out, " kind=%s level=%d", S_kind_name(n->kind), n->level);
        else if (n->type == QR_NODE_HEADING)
            qr_buf_addf(out, " level=%d", n->level);
        else if (n->type == QR_NODE_VERSE_LINE && n->level > 0)
            qr_buf_addf(out, " indent=%d", n->level);
        else if (n->type == QR_NODE_LIST)
            qr_buf_addf(out, " %s start=%d%s", n->flags & S_ORDERED ? "ordered" : "bullet",
                        n->level, n->flags & S_TIGHT ? " tight" : "");
        else if (n->type == QR_NODE_TABLE) {
            static const char names[] = "-lcr";
            qr_buf_addf(out, " columns=%d align=", n->level);
            for (int i = 0; i < n->level; i++)
                qr_buf_addc(out, names[n->aligns[i] & 3]);
        } else if (n->type == QR_NODE_TABLE_ROW && (n->flags & S_HEADER))
            qr_buf_adds(out, " header");
        else if (n->type == QR_NODE_PARAGRAPH && n->level)
            qr_buf_addf(out, " role=%s", qr_para_role_name((qr_para_role)n->level));
        if (n->url) {
            qr_buf_adds(out, " url=");
            S_dump_string(out, n->url, strlen(n->url));
        }
        if (n->title) {
            qr_buf_adds(out, n->type == QR_NODE_CODE_BLOCK ? " info=" : " title=");
            S_dump_string(out, n->title, strlen(n->title));
        }
        if (n->image)
            qr_buf_addf(out, " image=%s %s %dx%d %zu bytes", n->image->name, n->image->type,
                        n->image->width, n->image->height, n->image->len);
        if (n->lang)
            qr_buf_addf(out, " lang=%s", n->lang);
        if (n->type == QR_NODE_TEXT || n->type == QR_NODE_CODE ||
            n->type == QR_NODE_CODE_BLOCK) {
            qr_buf_addc(out, ' ');
            S_dump_string(out, n->text, n->len);
        }
        qr_buf_addc(out, '\n');
        if (!qr_node_is_leaf(n))
            depth++;
    }
}

const char *qr_meta_role_phrase(const char *role)
{
    static const char *const phrases[][2] = {
        {"trl", "Translated by"},   {"edt", "Edited by"},     {"ill", "Illustrated by"},
        {"aui", "Introduction by"}, {"aft", "Afterword by"},  {"ed", "Edited by"},
        {"nrt", "Narrated by"},     {"pht", "Photographs by"}, {"ctb", "With contributions by"},
    };
    for (size_t i = 0; role && i < QR_ARRAY_LEN(phrases); i++)
        if (strcmp(role, phrases[i][0]) == 0)
            return phrases[i][1];
    return NULL;
}

int qr_meta_is_author(const qr_creator *c)
{
    const char *s = c->name;
    while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    return s && *s && !qr_meta_role_phrase(c->role);
}

const char *qr_meta_author_separator(int k, int n)
{
    if (k == 0)
        return "";
    return k == n - 1 ? (n > 2 ? ", and " : " and ") : ", ";
}

void qr_meta_authors(const qr_meta *m, qr_buf *out)
{
    size_t start = out->len;
    for (int i = 0; i < m->n_creators; i++) {
        if (m->creators[i].role && strcmp(m->creators[i].role, "aut") != 0)
            continue;
        if (out->len > start)
            qr_buf_adds(out, ", ");
        qr_buf_adds(out, m->creators[i].name);
    }
}
