/*
 * manifest.c: the book manifest, book.yaml (see manifest.h for its keys).
 *
 *   1. read the file, refusing one over QR_MANIFEST_MAX_FILE bytes before
 *      reading a byte of it (so a 100 MB value costs nothing);
 *   2. load it with libyaml's document API; a syntax error is reported at
 *      libyaml's problem_mark;
 *   3. refuse any scalar longer than QR_MANIFEST_MAX_VALUE;
 *   4. walk the root mapping against the schema: an unknown key warns, a
 *      value of the wrong type is an error; paths are resolved (realpath)
 *      and must stay inside the project folder; the cover must be a PNG or
 *      JPEG whose size can be read.
 *
 * Positions: libyaml's marks count lines and columns (characters) from 0;
 * diagnostics count them from 1, as gcc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "manifest.h"

typedef struct S_ctx {
    yaml_document_t *doc;
    qr_manifest *m;
    qr_arena *a;
    qr_error *err;
    const char *file;        /* the manifest, as named in diagnostics */
    const char *project_dir; /* as given */
    char *project_real;      /* owned: its realpath, ending in '/' */
    int unknown;             /* unknown keys seen */
} S_ctx;

#define S_MAX_WARNINGS 10

/* The keys of each mapping. */
#define S_KNOWN                                                                                    \
    "title, subtitle, author, language, isbn, identifier, publisher, date, rights, "               \
    "description, subjects, series, cover, chapters, print, epub, accessibility, headings"
#define S_KNOWN_AUTHOR "name, role"
#define S_KNOWN_SERIES "name, position"
#define S_KNOWN_PRINT "trim, margins, font, size, leading, profile, paper"
#define S_KNOWN_MARGINS "inner, outer, top, bottom"
#define S_KNOWN_EPUB "stylesheet"
#define S_KNOWN_HEADINGS "pattern, lines, level, rules"
#define S_KNOWN_A11Y                                                                               \
    "summary, features, hazards, access_modes, access_modes_sufficient, conforms_to"

static int S_line(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static int S_col(const yaml_node_t *n)
{
    return (int)n->start_mark.column + 1;
}

static int S_fail(S_ctx *c, const yaml_node_t *n, int code, const char *fmt, ...) QR_PRINTF(4, 5);

/* Sets the error at n's position; returns -1. */
static int S_fail(S_ctx *c, const yaml_node_t *n, int code, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return qr_error_set(c->err, code, c->file, n ? S_line(n) : 0, n ? S_col(n) : 0, "%s", msg);
}

/* Borrowed (static): what a node is, for messages. */
static const char *S_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_NO_NODE: break;
    }
    return "nothing";
}

static yaml_node_t *S_node(const S_ctx *c, int index)
{
    return yaml_document_get_node(c->doc, index);
}

/* Whether n is YAML's null: an empty plain value, `~` or `null`. */
static int S_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    return len == 0 || (len == 1 && v[0] == '~') ||
           (len == 4 &&
            (memcmp(v, "null", 4) == 0 || memcmp(v, "Null", 4) == 0 || memcmp(v, "NULL", 4) == 0));
}

/*
 * Arena: the text of a scalar in *out; NULL when the value is null or blank
 * (the key counts as not given). Another type, or a NUL inside, is an error.
 */
static int S_text(S_ctx *c, const char *key, const yaml_node_t *n, const char **out)
{
    *out = NULL;
    if (S_is_null(n))
        return 0;
    if (n->type != YAML_SCALAR_NODE)
        return S_fail(c, n, QR_EX_DATAERR, "%s: expected a single value, not %s", key, S_kind(n));
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (memchr(v, '\0', len))
        return S_fail(c, n, QR_EX_DATAERR, "%s: a NUL character is not allowed", key);
    size_t i = 0;
    while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' || v[i] == '\r'))
        i++;
    if (i < len)
        *out = qr_arena_strndup(c->a, v, len);
    return 0;
}

/* A scalar with its position (print: values). */
static int S_value(S_ctx *c, const char *key, const yaml_node_t *n, qr_manifest_value *out)
{
    if (S_text(c, key, n, &out->s) < 0)
        return -1;
    out->line = S_line(n);
    out->col = S_col(n);
    return 0;
}

/* Whether name is one of the comma-separated names in list. */
static int S_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && memcmp(p, name, n) == 0)
            return 1;
        p += len;
        while (*p == ',' || *p == ' ')
            p++;
    }
    return 0;
}

/*
 * Borrowed: the name of a mapping's pair's key, or NULL with err set: keys
 * are single values, and a known key is given once (YAML 1.2: keys are
 * unique). Only known keys are compared with the ones before them, so a
 * mapping of many unknown keys costs linear time, not quadratic.
 */
static const char *S_key(S_ctx *c, const yaml_node_t *map, const yaml_node_pair_t *pair,
                         const char *where, const char *known)
{
    const yaml_node_t *k = S_node(c, pair->key);
    if (!k || k->type != YAML_SCALAR_NODE) {
        S_fail(c, k, QR_EX_DATAERR, "%s%skeys must be names, not %s", where ? where : "",
               where ? ": " : "", k ? S_kind(k) : "nothing");
        return NULL;
    }
    const char *name = (const char *)k->data.scalar.value;
    if (!S_listed(known, name))
        return name;
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < pair; p++) {
        const yaml_node_t *pk = S_node(c, p->key);
        if (pk && pk->type == YAML_SCALAR_NODE && pk->data.scalar.length == k->data.scalar.length &&
            memcmp(pk->data.scalar.value, k->data.scalar.value, k->data.scalar.length) == 0) {
            S_fail(c, k, QR_EX_DATAERR, "%s%s%s is given twice (first at %d:%d)",
                   where ? where : "", where ? "." : "", name, S_line(pk), S_col(pk));
            return NULL;
        }
    }
    return name;
}

/* A warning for an unknown key; after S_MAX_WARNINGS, they are only counted. */
static void S_unknown(S_ctx *c, const yaml_node_pair_t *pair, const char *name, const char *where,
                      const char *known)
{
    const yaml_node_t *k = S_node(c, pair->key);
    if (++c->unknown > S_MAX_WARNINGS)
        return;
    qr_warn(c->file, S_line(k), S_col(k), "unknown key '%s'%s%s, ignored (known: %s)", name,
            where ? " in " : "", where ? where : "", known);
}

/* Whether n is a mapping; a null counts as not given (*given 0). */
static int S_mapping(S_ctx *c, const char *key, const yaml_node_t *n, const char *example,
                     int *given)
{
    *given = 0;
    if (S_is_null(n))
        return 0;
    if (n->type != YAML_MAPPING_NODE)
        return S_fail(c, n, QR_EX_DATAERR, "%s: expected a mapping such as %s, not %s", key,
                      example, S_kind(n));
    *given = 1;
    return 0;
}

/* Files --------------------------------------------------------------------- */

/*
 * A path from the manifest: relative, not climbing above the project with
 * `..`, existing, a regular file, and inside the project once symlinks are
 * resolved (realpath, then a prefix check with a trailing slash, so that
 * /book-old is not taken for inside /book). A null value leaves out->rel NULL.
 */
static int S_path(S_ctx *c, const char *key, const yaml_node_t *n, qr_manifest_path *out)
{
    const char *rel;
    memset(out, 0, sizeof *out);
    if (S_text(c, key, n, &rel) < 0)
        return -1;
    if (!rel)
        return 0;
    if (rel[0] == '/')
        return S_fail(c, n, QR_EX_DATAERR,
                      "%s: '%s' is an absolute path; paths in the manifest are relative to the "
                      "project folder",
                      key, rel);
    qr_buf norm = QR_BUF_INIT;
    int lex = qr_path_normalize(rel, &norm);
    qr_buf_release(&norm);
    if (lex < 0)
        return S_fail(c, n, QR_EX_DATAERR, "%s: '%s' leaves the project folder", key, rel);
    const char *joined = qr_arena_printf(c->a, "%s/%s", c->project_dir, rel);
    /* opened (and closed) here so that its message is at the manifest's
     * line:col; the reader opens it again, with the same checks */
    qr_error e;
    int fd = qr_path_open_inside(c->project_real, "the project", joined, NULL, &e);
    if (fd < 0) {
        if (e.sys_errno == ENOENT || e.sys_errno == ENOTDIR)
            return S_fail(c, n, QR_EX_NOINPUT, "%s: no such file: '%s'", key, rel);
        if (strcmp(e.msg, "is a directory, not a file") == 0 ||
            strcmp(e.msg, "not a regular file") == 0)
            return S_fail(c, n, QR_EX_NOINPUT, "%s: '%s' is not a file", key, rel);
        return S_fail(c, n, e.code, "%s: '%s' %s", key, rel, e.msg);
    }
    close(fd);
    out->rel = rel;
    out->path = joined;
    out->line = S_line(n);
    out->col = S_col(n);
    return 0;
}

static int S_cover(S_ctx *c, const yaml_node_t *n)
{
    qr_manifest_path *cp = &c->m->cover;
    qr_meta *m = &c->m->meta;
    if (S_path(c, "cover", n, cp) < 0)
        return -1;
    if (!cp->rel)
        return 0;
    qr_buf data = QR_BUF_INIT;
    int rc = qr_read_file_inside(c->project_dir, cp->path, QR_MANIFEST_MAX_COVER, &data, c->err);
    if (rc == 1)
        rc = S_fail(c, n, QR_EX_DATAERR, "cover: '%s' is larger than %d MiB", cp->rel,
                    QR_MANIFEST_MAX_COVER / (1024 * 1024));
    if (rc == 0) {
        int w, h;
        const char *type = qr_image_sniff(data.ptr, data.len, &w, &h);
        if (!type) {
            rc = S_fail(c, n, QR_EX_DATAERR, "cover: '%s' is not a PNG or JPEG image", cp->rel);
        } else {
            char *bytes = qr_arena_alloc(c->a, data.len);
            memcpy(bytes, data.ptr, data.len);
            m->cover_data = bytes;
            m->cover_len = data.len;
            m->cover_type = type;
            m->cover_width = w;
            m->cover_height = h;
        }
    }
    qr_buf_release(&data);
    return rc;
}

/* Values -------------------------------------------------------------------- */

/*
 * An ISBN-10 or ISBN-13 with a valid check digit (ISO 2108), hyphens and
 * spaces allowed. Arena: its digits (and X) alone, or NULL when invalid.
 */
static const char *S_isbn(qr_arena *a, const char *s)
{
    char d[16];
    size_t n = 0;
    if (strncmp(s, "ISBN", 4) == 0)
        s += 4 + (s[4] == ':');
    for (; *s; s++) {
        if (*s == '-' || *s == ' ')
            continue;
        if (n == 13 || !((*s >= '0' && *s <= '9') || ((*s == 'X' || *s == 'x') && n == 9)))
            return NULL;
        d[n++] = *s == 'x' ? 'X' : *s;
    }
    d[n] = '\0';
    if (n == 13) {
        int sum = 0;
        for (int i = 0; i < 12; i++)
            sum += (d[i] - '0') * (i % 2 ? 3 : 1);
        if ((10 - sum % 10) % 10 != d[12] - '0')
            return NULL;
    } else if (n == 10) {
        int sum = 0;
        for (int i = 0; i < 10; i++)
            sum += (d[i] == 'X' ? 10 : d[i] - '0') * (10 - i);
        if (sum % 11 != 0)
            return NULL;
    } else {
        return NULL;
    }
    return qr_arena_strdup(a, d);
}

/* A number: digits, with an optional fraction. */
static int S_number_ok(const char *s)
{
    size_t i = strspn(s, "0123456789");
    if (i == 0)
        return 0;
    if (s[i] == '.') {
        size_t f = strspn(s + i + 1, "0123456789");
        if (f == 0)
            return 0;
        i += 1 + f;
    }
    return s[i] == '\0';
}

/* Keys ------------------------------------------------------------------------ */

/* author: one creator, a name or {name: ..., role: aut|edt|trl|ill}. */
static int S_creator(S_ctx *c, const yaml_node_t *n)
{
    static const char *const roles[] = {"aut", "edt", "trl", "ill"};
    qr_meta *m = &c->m->meta;
    const char *name = NULL, *role = "aut";
    if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
            const char *k = S_key(c, n, p, "author", S_KNOWN_AUTHOR);
            if (!k)
                return -1;
            const yaml_node_t *v = S_node(c, p->value);
            if (strcmp(k, "name") == 0) {
                if (S_text(c, "author.name", v, &name) < 0)
                    return -1;
            } else if (strcmp(k, "role") == 0) {
                const char *r;
                if (S_text(c, "author.role", v, &r) < 0)
                    return -1;
                size_t i = 0;
                while (r && i < QR_ARRAY_LEN(roles) && strcmp(r, roles[i]) != 0)
                    i++;
                if (r && i == QR_ARRAY_LEN(roles))
                    return S_fail(c, v, QR_EX_DATAERR,
                                  "author.role: '%s' is not a role quire knows (aut author, edt "
                                  "editor, trl translator, ill illustrator)",
                                  r);
                if (r)
                    role = roles[i];
            } else {
                S_unknown(c, p, k, "author", S_KNOWN_AUTHOR);
            }
        }
        if (!name)
            return S_fail(c, n, QR_EX_DATAERR, "author: an entry needs a name");
    } else if (n->type == YAML_SCALAR_NODE) {
        if (S_text(c, "author", n, &name) < 0)
            return -1;
        if (!name)
            return 0;
    } else {
        return S_fail(c, n, QR_EX_DATAERR,
                      "author: expected a name or {name: ..., role: ...}, not %s", S_kind(n));
    }
    if (m->n_creators == QR_MAX_CREATORS)
        return S_fail(c, n, QR_EX_DATAERR, "author: at most %d names", QR_MAX_CREATORS);
    m->creators[m->n_creators].name = name;
    m->creators[m->n_creators].role = role;
    m->n_creators++;
    return 0;
}

static int S_author(S_ctx *c, const yaml_node_t *n)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return S_creator(c, n);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
        if (S_creator(c, S_node(c, *i)) < 0)
            return -1;
    return 0;
}

static int S_subjects(S_ctx *c, const yaml_node_t *n)
{
    qr_meta *m = &c->m->meta;
    if (S_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE)
        return S_fail(c, n, QR_EX_DATAERR,
                      "subjects: expected a list such as [lighthouses, weather], not %s",
                      S_kind(n));
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    const char **list = qr_arena_alloc(c->a, sizeof *list * (count ? count : 1));
    int k = 0;
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        const char *s;
        if (S_text(c, "subjects", S_node(c, *i), &s) < 0)
            return -1;
        if (s)
            list[k++] = s;
    }
    m->subjects = list;
    m->n_subjects = k;
    return 0;
}

static int S_series(S_ctx *c, const yaml_node_t *n)
{
    qr_meta *m = &c->m->meta;
    if (n->type != YAML_MAPPING_NODE)
        return S_text(c, "series", n, &m->series); /* a name alone */
    const yaml_node_t *pos = NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = S_key(c, n, p, "series", S_KNOWN_SERIES);
        if (!k)
            return -1;
        const yaml_node_t *v = S_node(c, p->value);
        if (strcmp(k, "name") == 0) {
            if (S_text(c, "series.name", v, &m->series) < 0)
                return -1;
        } else if (strcmp(k, "position") == 0) {
            if (S_text(c, "series.position", v, &m->series_position) < 0)
                return -1;
            pos = v;
        } else {
            S_unknown(c, p, k, "series", S_KNOWN_SERIES);
        }
    }
    if (m->series_position && !S_number_ok(m->series_position))
        return S_fail(c, pos, QR_EX_DATAERR,
                      "series.position: expected a number such as 2, not '%s'", m->series_position);
    if (!m->series)
        return S_fail(c, n, QR_EX_DATAERR,
                      "series: a name is required ({name: ..., position: ...})");
    return 0;
}

static int S_chapters(S_ctx *c, const yaml_node_t *n)
{
    qr_manifest *mf = c->m;
    if (S_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE)
        return S_fail(c, n, QR_EX_DATAERR,
                      "chapters: expected a list of files such as [seeds/01.md, seeds/02.md], "
                      "not %s",
                      S_kind(n));
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count == 0)
        return S_fail(c, n, QR_EX_DATAERR, "chapters: the list is empty");
    mf->chapters = qr_arena_alloc(c->a, sizeof *mf->chapters * count);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        qr_manifest_path *p = &mf->chapters[mf->n_chapters];
        const yaml_node_t *item = S_node(c, *i);
        if (S_path(c, "chapters", item, p) < 0)
            return -1;
        if (!p->rel)
            return S_fail(c, item, QR_EX_DATAERR, "chapters: an entry is empty");
        mf->n_chapters++;
    }
    return 0;
}

static int S_margins(S_ctx *c, const yaml_node_t *n)
{
    qr_manifest_print *pr = &c->m->print;
    int given;
    if (S_mapping(c, "print.margins", n, "{inner: 20mm, outer: 16mm, top: 18mm, bottom: 22mm}",
                  &given) < 0)
        return -1;
    if (!given)
        return 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = S_key(c, n, p, "print.margins", S_KNOWN_MARGINS);
        if (!k)
            return -1;
        const yaml_node_t *v = S_node(c, p->value);
        qr_manifest_value *slot = strcmp(k, "inner") == 0    ? &pr->inner
                                  : strcmp(k, "outer") == 0  ? &pr->outer
                                  : strcmp(k, "top") == 0    ? &pr->top
                                  : strcmp(k, "bottom") == 0 ? &pr->bottom
                                                             : NULL;
        if (!slot) {
            S_unknown(c, p, k, "print.margins", S_KNOWN_MARGINS);
            continue;
        }
        char key[32];
        snprintf(key, sizeof key, "print.margins.%s", k);
        if (S_value(c, key, v, slot) < 0)
            return -1;
    }
    return 0;
}

static int S_print(S_ctx *c, const yaml_node_t *n)
{
    qr_manifest_print *pr = &c->m->print;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = S_key(c, n, p, "print", S_KNOWN_PRINT);
        if (!k)
            return -1;
        const yaml_node_t *v = S_node(c, p->value);
        int rc = 0;
        if (strcmp(k, "trim") == 0)
            rc = S_value(c, "print.trim", v, &pr->trim);
        else if (strcmp(k, "margins") == 0)
            rc = S_margins(c, v);
        else if (strcmp(k, "font") == 0)
            rc = S_value(c, "print.font", v, &pr->font);
        else if (strcmp(k, "size") == 0)
            rc = S_value(c, "print.size", v, &pr->size);
        else if (strcmp(k, "leading") == 0)
            rc = S_value(c, "print.leading", v, &pr->leading);
        else if (strcmp(k, "profile") == 0)
            rc = S_value(c, "print.profile", v, &pr->profile);
        else if (strcmp(k, "paper") == 0)
            rc = S_value(c, "print.paper", v, &pr->paper);
        else
            S_unknown(c, p, k, "print", S_KNOWN_PRINT);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int S_epub(S_ctx *c, const yaml_node_t *n)
{
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = S_key(c, n, p, "epub", S_KNOWN_EPUB);
        if (!k)
            return -1;
        if (strcmp(k, "stylesheet") == 0) {
            if (S_path(c, "epub.stylesheet", S_node(c, p->value), &c->m->stylesheet) < 0)
                return -1;
        } else {
            S_unknown(c, p, k, "epub", S_KNOWN_EPUB);
        }
    }
    return 0;
}

/* A text or a list of texts (accessibility.features: [a, b] or a alone). */
static int S_texts(S_ctx *c, const char *key, const yaml_node_t *n, const char ***out, int *count)
{
    if (S_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE) {
        const char *s;
        if (S_text(c, key, n, &s) < 0)
            return -1;
        const char **list = qr_arena_alloc(c->a, sizeof *list);
        list[0] = s;
        *out = list;
        *count = s ? 1 : 0;
        return 0;
    }
    size_t total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    const char **list = qr_arena_alloc(c->a, sizeof *list * (total ? total : 1));
    int k = 0;
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        const char *s;
        if (S_text(c, key, S_node(c, *i), &s) < 0)
            return -1;
        if (s && *s)
            list[k++] = s;
    }
    *out = list;
    *count = k;
    return 0;
}

/* accessibility: the EPUB's accessibility metadata, each replacing the
 * writer's default. */
static int S_a11y(S_ctx *c, const yaml_node_t *n)
{
    qr_manifest_a11y *a = &c->m->a11y;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = S_key(c, n, p, "accessibility", S_KNOWN_A11Y);
        if (!k)
            return -1;
        const yaml_node_t *v = S_node(c, p->value);
        int rc = 0;
        if (strcmp(k, "summary") == 0)
            rc = S_text(c, "accessibility.summary", v, &a->summary);
        else if (strcmp(k, "conforms_to") == 0)
            rc = S_text(c, "accessibility.conforms_to", v, &a->conforms_to);
        else if (strcmp(k, "features") == 0)
            rc = S_texts(c, "accessibility.features", v, &a->features, &a->n_features);
        else if (strcmp(k, "hazards") == 0)
            rc = S_texts(c, "accessibility.hazards", v, &a->hazards, &a->n_hazards);
        else if (strcmp(k, "access_modes") == 0)
            rc = S_texts(c, "accessibility.access_modes", v, &a->modes, &a->n_modes);
        else if (strcmp(k, "access_modes_sufficient") == 0)
            rc = S_texts(c, "accessibility.access_modes_sufficient", v, &a->sufficient,
                         &a->n_sufficient);
        else
            S_unknown(c, p, k, "accessibility", S_KNOWN_A11Y);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Whether a scalar says no: off, false, no (YAML 1.1's booleans); yes: on,
 * true, yes. -1 for anything else. */
static int S_switch(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE)
        return -1;
    static const char *const off[] = {"off", "false", "no"}, *const on[] = {"on", "true", "yes"};
    const char *v = (const char *)n->data.scalar.value;
    for (size_t i = 0; i < QR_ARRAY_LEN(off); i++) {
        if (strcasecmp(v, off[i]) == 0)
            return 0;
        if (strcasecmp(v, on[i]) == 0)
            return 1;
    }
    return -1;
}

/* One mapping of headings: {pattern: '^Stave [IVX]+', level: 1}, {lines:
 * [...], level: 2}, {rules: off}. The pattern is compiled here so that a
 * bad one is reported at its line:col (the reader compiles it again). */
static int S_heading_rule(S_ctx *c, const yaml_node_t *n, qr_heading_rule *out, int *has_rule)
{
    memset(out, 0, sizeof *out);
    out->level = 1;
    *has_rule = 0;
    int given;
    if (S_mapping(c, "headings", n, "{pattern: '^Stave [IVX]+', level: 1}", &given) < 0)
        return -1;
    if (!given)
        return 0;
    int switched = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = S_key(c, n, p, "headings", S_KNOWN_HEADINGS);
        if (!k)
            return -1;
        const yaml_node_t *v = S_node(c, p->value);
        if (strcmp(k, "pattern") == 0) {
            if (S_text(c, "headings.pattern", v, &out->pattern) < 0)
                return -1;
            out->line = S_line(v);
            out->col = S_col(v);
            if (out->pattern) {
                regex_t re;
                int rc = regcomp(&re, out->pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
                if (rc != 0) {
                    char msg[256];
                    regerror(rc, &re, msg, sizeof msg);
                    return S_fail(c, v, QR_EX_DATAERR,
                                  "headings.pattern: '%s' is not a regular expression: %s",
                                  out->pattern, msg);
                }
                regfree(&re);
            }
        } else if (strcmp(k, "lines") == 0) {
            if (S_texts(c, "headings.lines", v, &out->lines, &out->n_lines) < 0)
                return -1;
        } else if (strcmp(k, "level") == 0) {
            const char *s;
            if (S_text(c, "headings.level", v, &s) < 0)
                return -1;
            if (s && strcmp(s, "1") != 0 && strcmp(s, "2") != 0)
                return S_fail(c, v, QR_EX_DATAERR,
                              "headings.level: expected 1 (a chapter) or 2 (a section), not '%s'",
                              s);
            if (s)
                out->level = s[0] - '0';
        } else if (strcmp(k, "rules") == 0) {
            int sw = S_switch(v);
            if (sw < 0)
                return S_fail(c, v, QR_EX_DATAERR,
                              "headings.rules: expected off (only these headings) or on");
            if (sw == 0)
                c->m->headings.builtin_off = 1;
            switched = 1;
        } else {
            S_unknown(c, p, k, "headings", S_KNOWN_HEADINGS);
        }
    }
    *has_rule = out->pattern || out->n_lines > 0;
    if (!*has_rule && !switched)
        return S_fail(c, n, QR_EX_DATAERR,
                      "headings: give a pattern or lines, such as {pattern: '^Stave [IVX]+', "
                      "level: 1}");
    return 0;
}

/* headings: one mapping, or a list of them. */
static int S_headings(S_ctx *c, const yaml_node_t *n)
{
    qr_heading_rules *hr = &c->m->headings;
    hr->file = c->file;
    if (S_is_null(n))
        return 0;
    size_t count = 1;
    if (n->type == YAML_SEQUENCE_NODE)
        count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    qr_heading_rule *rules = qr_arena_alloc(c->a, sizeof *rules * (count ? count : 1));
    int k = 0, has;
    if (n->type != YAML_SEQUENCE_NODE) {
        if (S_heading_rule(c, n, &rules[0], &has) < 0)
            return -1;
        k += has;
    } else {
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
             i++) {
            if (S_heading_rule(c, S_node(c, *i), &rules[k], &has) < 0)
                return -1;
            k += has;
        }
    }
    hr->rules = rules;
    hr->n = k;
    return 0;
}

/* The keys whose value is text, straight into qr_meta. */
static const struct {
    const char *key;
    size_t offset;
} S_text_keys[] = {
    {"title", offsetof(qr_meta, title)},           {"subtitle", offsetof(qr_meta, subtitle)},
    {"identifier", offsetof(qr_meta, identifier)}, {"publisher", offsetof(qr_meta, publisher)},
    {"rights", offsetof(qr_meta, rights)},         {"description", offsetof(qr_meta, description)},
};

static int S_root(S_ctx *c, const yaml_node_t *root)
{
    qr_meta *m = &c->m->meta;
    if (root->type != YAML_MAPPING_NODE)
        return S_fail(c, root, QR_EX_DATAERR,
                      "the manifest is a mapping of keys to values (title: ..., author: ...), "
                      "not %s",
                      S_kind(root));
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = S_key(c, root, p, NULL, S_KNOWN);
        if (!k)
            return -1;
        const yaml_node_t *v = S_node(c, p->value);
        int rc = 0, done = 0, given;
        for (size_t i = 0; i < QR_ARRAY_LEN(S_text_keys); i++) {
            if (strcmp(k, S_text_keys[i].key) == 0) {
                rc = S_text(c, k, v, (const char **)((char *)m + S_text_keys[i].offset));
                done = 1;
                break;
            }
        }
        if (done) {
            /* handled above */
        } else if (strcmp(k, "author") == 0) {
            rc = S_author(c, v);
        } else if (strcmp(k, "language") == 0) {
            rc = S_text(c, k, v, &m->language);
            if (rc == 0 && m->language && !qr_lang_tag_ok(m->language))
                rc = S_fail(c, v, QR_EX_DATAERR,
                            "language: '%s' is not a language tag such as en, fr or pt-BR",
                            m->language);
        } else if (strcmp(k, "date") == 0) {
            rc = S_text(c, k, v, &m->date);
            if (rc == 0 && m->date && !qr_w3c_date_ok(m->date))
                rc = S_fail(c, v, QR_EX_DATAERR,
                            "date: '%s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", m->date);
        } else if (strcmp(k, "isbn") == 0) {
            const char *s;
            rc = S_text(c, k, v, &s);
            if (rc == 0 && s && !(m->isbn = S_isbn(c->a, s)))
                rc = S_fail(c, v, QR_EX_DATAERR,
                            "isbn: '%s' is not an ISBN (10 or 13 digits with a valid check digit)",
                            s);
        } else if (strcmp(k, "subjects") == 0) {
            rc = S_subjects(c, v);
        } else if (strcmp(k, "series") == 0) {
            rc = S_series(c, v);
        } else if (strcmp(k, "cover") == 0) {
            rc = S_cover(c, v);
        } else if (strcmp(k, "chapters") == 0) {
            rc = S_chapters(c, v);
        } else if (strcmp(k, "print") == 0) {
            rc = S_mapping(c, k, v, "{trim: 6x9in, font: EB Garamond}", &given);
            if (rc == 0 && given)
                rc = S_print(c, v);
        } else if (strcmp(k, "epub") == 0) {
            rc = S_mapping(c, k, v, "{stylesheet: styles/epub.css}", &given);
            if (rc == 0 && given)
                rc = S_epub(c, v);
        } else if (strcmp(k, "headings") == 0) {
            rc = S_headings(c, v);
        } else if (strcmp(k, "accessibility") == 0) {
            rc = S_mapping(c, k, v, "{summary: ..., features: [...], hazards: [none]}", &given);
            if (rc == 0 && given)
                rc = S_a11y(c, v);
        } else {
            S_unknown(c, p, k, NULL, S_KNOWN);
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The parser ---------------------------------------------------------------- */

/* A libyaml error as a gcc-style one at its problem mark. */
static int S_yaml_error(S_ctx *c, const yaml_parser_t *p, const char *data, size_t len)
{
    if (p->error == YAML_MEMORY_ERROR)
        return qr_error_set(c->err, QR_EX_SOFTWARE, c->file, 0, 0, "libyaml: out of memory");
    int line, col;
    if (p->error == YAML_READER_ERROR) {
        /* bad bytes: problem_offset is where, counted in bytes; after a
         * UTF-16 byte order mark (YAML allows it) the units are two bytes
         * wide, and a low surrogate continues a character */
        const unsigned char *u = (const unsigned char *)data;
        int utf16 = len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
        size_t step = utf16 ? 2 : 1;
        line = 1;
        col = 1;
        for (size_t i = utf16 ? 2 : 0; i + step <= len && i < p->problem_offset; i += step) {
            unsigned ch = !utf16         ? u[i]
                          : u[0] == 0xFF ? u[i] | u[i + 1] << 8
                                         : u[i] << 8 | u[i + 1];
            if (ch == '\n') {
                line++;
                col = 1;
            } else if (utf16 ? (ch & 0xFC00) != 0xDC00 : (ch & 0xC0) != 0x80) {
                col++;
            }
        }
        return qr_error_set(c->err, QR_EX_DATAERR, c->file, line, col, "%s",
                            p->problem ? p->problem : "cannot read the file");
    }
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context)
        return qr_error_set(c->err, QR_EX_DATAERR, c->file, line, col, "%s (%s at %d:%d)",
                            p->problem ? p->problem : "syntax error", p->context,
                            (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    return qr_error_set(c->err, QR_EX_DATAERR, c->file, line, col, "%s",
                        p->problem ? p->problem : "syntax error");
}

/*
 * Aliases let a short manifest name one long value many times (a "billion
 * laughs"): 150,000 aliases of a 60 KB value, 660 KB of YAML, had the walk
 * copy 9 GB. The values reached, counting each reference to a scalar, may
 * come to QR_MANIFEST_MAX_FILE bytes, what a manifest without aliases can
 * hold. Returns the node at which they pass that, or NULL.
 */
static yaml_node_t *S_too_much_reached(yaml_document_t *doc)
{
    size_t total = 0;
    for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
        int refs[2];
        int n_refs = 0;
        yaml_node_item_t *it = NULL, *it_end = NULL;
        yaml_node_pair_t *pair = NULL, *pair_end = NULL;
        if (n->type == YAML_SEQUENCE_NODE) {
            it = n->data.sequence.items.start;
            it_end = n->data.sequence.items.top;
        } else if (n->type == YAML_MAPPING_NODE) {
            pair = n->data.mapping.pairs.start;
            pair_end = n->data.mapping.pairs.top;
        }
        while (it < it_end || pair < pair_end) {
            if (it < it_end) {
                refs[0] = *it++;
                n_refs = 1;
            } else {
                refs[0] = pair->key;
                refs[1] = pair->value;
                pair++;
                n_refs = 2;
            }
            for (int i = 0; i < n_refs; i++) {
                yaml_node_t *v = yaml_document_get_node(doc, refs[i]);
                if (v && v->type == YAML_SCALAR_NODE &&
                    (total += v->data.scalar.length) > QR_MANIFEST_MAX_FILE)
                    return v;
            }
        }
    }
    return NULL;
}

/*
 * The tag of a node when it is not one of YAML 1.1's core types (str, int,
 * float, bool, null, timestamp, seq, map), as written into buf ("!!binary",
 * "!x"), else NULL: a !!binary value, say, would be taken for its base64
 * text.
 */
static const char *S_odd_tag(const yaml_node_t *n, char *buf, size_t size)
{
    static const char core[] = "tag:yaml.org,2002:";
    static const char *const ok[] = {"str",  "int",       "float", "bool",
                                     "null", "timestamp", "seq",   "map"};
    const char *tag = (const char *)n->tag;
    if (!tag)
        return NULL;
    if (strncmp(tag, core, sizeof core - 1) != 0) {
        snprintf(buf, size, "%s", tag);
        return buf;
    }
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(tag + sizeof core - 1, ok[i]) == 0)
            return NULL;
    snprintf(buf, size, "!!%s", tag + sizeof core - 1);
    return buf;
}

int qr_manifest_read(const char *project_dir, const char *path, qr_manifest *m, qr_arena *a,
                     qr_error *err)
{
    int rc = -1;
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    int parser_ok = 0, doc_ok = 0;
    qr_buf data = QR_BUF_INIT;
    S_ctx c = {&doc, m, a, err, NULL, project_dir, NULL, 0};

    memset(m, 0, sizeof *m);
    m->file = c.file = qr_arena_strdup(a, path);
    c.project_real = qr_path_real_dir(project_dir);
    if (!c.project_real) {
        qr_error_sys(err, QR_EX_NOINPUT, errno, project_dir, "cannot open the project folder");
        goto cleanup;
    }

    int r = qr_read_file_inside(project_dir, path, QR_MANIFEST_MAX_FILE, &data, err);
    if (r == 1)
        qr_error_set(err, QR_EX_DATAERR, c.file, 0, 0,
                     "the manifest is larger than %d KiB; is this the right file?",
                     QR_MANIFEST_MAX_FILE / 1024);
    if (r != 0)
        goto cleanup;
    if (!yaml_parser_initialize(&parser)) {
        qr_error_set(err, QR_EX_SOFTWARE, c.file, 0, 0, "libyaml: cannot start the parser");
        goto cleanup;
    }
    parser_ok = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data.ptr, data.len);
    if (!yaml_parser_load(&parser, &doc)) {
        S_yaml_error(&c, &parser, data.ptr, data.len);
        goto cleanup;
    }
    doc_ok = 1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) { /* an empty file: nothing given */
        rc = 0;
        goto cleanup;
    }
    /* One document: a second one is refused rather than ignored. */
    if (!yaml_parser_load(&parser, &extra)) {
        S_yaml_error(&c, &parser, data.ptr, data.len);
        goto cleanup;
    }
    yaml_node_t *second = yaml_document_get_root_node(&extra);
    if (second)
        S_fail(&c, second, QR_EX_DATAERR, "a second YAML document; the manifest is one document");
    yaml_document_delete(&extra);
    if (second)
        goto cleanup;
    for (yaml_node_t *n = doc.nodes.start; n < doc.nodes.top; n++) {
        if (n->type == YAML_SCALAR_NODE && n->data.scalar.length > QR_MANIFEST_MAX_VALUE) {
            S_fail(&c, n, QR_EX_DATAERR, "a value of %zu bytes; values are at most %d KiB",
                   n->data.scalar.length, QR_MANIFEST_MAX_VALUE / 1024);
            goto cleanup;
        }
        char tagbuf[64];
        const char *tag = S_odd_tag(n, tagbuf, sizeof tagbuf);
        if (tag) {
            S_fail(&c, n, QR_EX_DATAERR,
                   "a value tagged %s; the manifest takes text, lists and mappings, untagged", tag);
            goto cleanup;
        }
    }
    yaml_node_t *much = S_too_much_reached(&doc);
    if (much) {
        S_fail(&c, much, QR_EX_DATAERR,
               "the values reached through aliases come to more than %d KiB; the manifest "
               "holds at most that",
               QR_MANIFEST_MAX_FILE / 1024);
        goto cleanup;
    }
    if (S_root(&c, root) < 0)
        goto cleanup;
    if (c.unknown > S_MAX_WARNINGS)
        qr_warn(c.file, 0, 0, "%d more unknown keys ignored", c.unknown - S_MAX_WARNINGS);
    rc = 0;
cleanup:
    if (doc_ok)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    free(c.project_real);
    qr_buf_release(&data);
    return rc;
}

void qr_manifest_apply_meta(const qr_manifest *mf, qr_meta *meta)
{
    const qr_meta *m = &mf->meta;
#define S_OVERRIDE(field)                                                                          \
    do {                                                                                           \
        if (m->field)                                                                              \
            meta->field = m->field;                                                                \
    } while (0)
    S_OVERRIDE(title);
    S_OVERRIDE(subtitle);
    S_OVERRIDE(language);
    S_OVERRIDE(date);
    S_OVERRIDE(publisher);
    S_OVERRIDE(rights);
    S_OVERRIDE(description);
    S_OVERRIDE(series);
    S_OVERRIDE(series_position);
    if (m->isbn) {
        meta->isbn = m->isbn;
        /* the ISBN is the unique identifier, unless identifier: says otherwise */
        meta->identifier = NULL;
    }
    S_OVERRIDE(identifier);
#undef S_OVERRIDE
    if (m->series)
        meta->series_position = m->series_position;
    if (m->n_creators > 0) {
        memcpy(meta->creators, m->creators, sizeof meta->creators);
        meta->n_creators = m->n_creators;
    }
    if (m->n_subjects > 0) {
        meta->subjects = m->subjects;
        meta->n_subjects = m->n_subjects;
    }
    if (m->cover_data) {
        meta->cover_data = m->cover_data;
        meta->cover_len = m->cover_len;
        meta->cover_type = m->cover_type;
        meta->cover_width = m->cover_width;
        meta->cover_height = m->cover_height;
    }
}
