/* fonts.c: fonts through fontconfig and Pango, a cache of shaped words,
 * and hyphenation with libhyphen. */
#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fonts.h"

typedef struct entry {
    const qr_shape *shape; /* NULL: empty slot */
    uint64_t hash;
    int missing; /* glyphs no font has */
} entry;

struct qr_fonts {
    qr_arena *arena;
    FcConfig *config;
    PangoFontMap *map;
    PangoContext *ctx;
    PangoFontDescription *descs[QR_N_FACES][8]; /* face x cached sizes */
    double desc_sizes[QR_N_FACES][8];
    const char *family;
    const char *mono_family;
    PangoLanguage *lang;
    /* the shape cache: open addressing, power-of-two size */
    entry *slots;
    size_t n_slots, n_used;
    PangoGlyphString **owned; /* glyph strings to free */
    size_t n_owned, cap_owned;
    HyphenDict *hyph;
    /* characters warned about; shapes returned that have glyphs no font
     * has (qr_fonts_missing_met) */
    uint32_t warned[64];
    int n_warned;
    unsigned long missing_met;
    const char *lang_tag;
    /* character protrusion: the table of each font met so far */
    const char *fonts_dir;
    struct S_hang_font {
        PangoFont *font;     /* a reference of ours */
        struct S_hang *hang; /* sorted by cp; arena */
        size_t n;
    } hang_fonts[32];
    int n_hang_fonts;
};

/* One character's protrusion, thousandths of its own width (microtype's
 * units), and that width in the font (points). */
typedef struct S_hang {
    uint32_t cp;
    int left, right;
    double width;
} S_hang;

static uint64_t S_hash(const void *font, const char *s, int len)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)font;
    for (int i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

/* The hyphenation patterns for a language: Debian's hyphen-* packages. */
static HyphenDict *S_load_hyphen(const char *lang)
{
    static const struct {
        const char *lang, *file;
    } dicts[] = {
        {"en", "hyph_en_US.dic"}, {"en-US", "hyph_en_US.dic"}, {"en-GB", "hyph_en_GB.dic"},
        {"de", "hyph_de_DE.dic"}, {"fr", "hyph_fr.dic"},       {"es", "hyph_es_ES.dic"},
        {"it", "hyph_it_IT.dic"}, {"nl", "hyph_nl_NL.dic"},    {"pt", "hyph_pt_PT.dic"},
        {"ru", "hyph_ru_RU.dic"}, {"pl", "hyph_pl_PL.dic"},    {"sv", "hyph_sv.dic"},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(dicts); i++) {
        size_t n = strlen(dicts[i].lang);
        if (strncmp(lang, dicts[i].lang, n) != 0 || (lang[n] && lang[n] != '-'))
            continue;
        char path[256];
        snprintf(path, sizeof path, "/usr/share/hyphen/%s", dicts[i].file);
        if (access(path, R_OK) == 0)
            return hnj_hyphen_load(path);
    }
    return NULL;
}

/* CJK text breaks between characters, without patterns */
static void S_warn_patterns(const qr_fonts *f)
{
    const char *lang = f->lang_tag;
    if (!f->hyph && strncmp(lang, "ja", 2) != 0 && strncmp(lang, "zh", 2) != 0 &&
        strncmp(lang, "ko", 2) != 0)
        qr_warn(NULL, 0, 0,
                "no hyphenation patterns for the language '%s' in /usr/share/hyphen (Debian's "
                "hyphen-* packages): the PDF is set without hyphenation",
                lang);
}

qr_fonts *qr_fonts_new(const qr_print_options *opt, const char *lang, qr_error *err)
{
    qr_fonts *f = xcalloc(1, sizeof *f);
    f->arena = qr_arena_new();
    /* CJK text falls back on a serif (Mincho, Song) face of the book's
     * language, rather than on whatever fontconfig ranks first */
    const char *cjk = "JP";
    if (lang && (strncmp(lang, "zh", 2) == 0))
        cjk = strstr(lang, "TW") || strstr(lang, "Hant") ? "TC" : "SC";
    else if (lang && strncmp(lang, "ko", 2) == 0)
        cjk = "KR";
    f->family = qr_arena_printf(f->arena, "%s,Noto Serif CJK %s", opt->font_family, cjk);
    f->mono_family = qr_arena_printf(f->arena, "Noto Sans Mono,%s", f->family);
    f->lang = pango_language_from_string(lang ? lang : "en");
    f->config = FcInitLoadConfigAndFonts();
    if (opt->fonts_dir) { /* fontconfig names its files by their real path */
        char *real = realpath(opt->fonts_dir, NULL);
        f->fonts_dir = qr_arena_strdup(f->arena, real ? real : opt->fonts_dir);
        free(real);
    }
    if (opt->fonts_dir && !FcConfigAppFontAddDir(f->config, (const FcChar8 *)opt->fonts_dir)) {
        qr_error_set(err, QR_EX_NOINPUT, opt->fonts_dir, 0, 0, "cannot add this font folder");
        goto fail;
    }
    f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(f->map), f->config);
    f->ctx = pango_font_map_create_context(f->map);
    pango_cairo_context_set_resolution(f->ctx, 72.0);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(f->ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(f->ctx, FALSE);
    pango_context_set_language(f->ctx, f->lang);

    /* Is the family there? fontconfig always answers with something; the
     * font it gives must carry the family asked for among its names. */
    PangoFontDescription *d = qr_fonts_desc(f, QR_FACE_REGULAR, opt->font_size);
    PangoFont *font = pango_font_map_load_font(f->map, f->ctx, d);
    FcPattern *pat =
        font && PANGO_IS_FC_FONT(font) ? pango_fc_font_get_pattern(PANGO_FC_FONT(font)) : NULL;
    int ok = 0;
    FcChar8 *fam = NULL, *first = NULL;
    for (int i = 0; pat && FcPatternGetString(pat, FC_FAMILY, i, &fam) == FcResultMatch; i++) {
        if (i == 0)
            first = fam;
        if (strcasecmp((const char *)fam, opt->font_family) == 0)
            ok = 1;
    }
    if (!ok)
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0,
                     "font '%s' not found (fontconfig offers '%s' instead)", opt->font_family,
                     first ? (const char *)first : "nothing");
    if (font)
        g_object_unref(font);
    if (!ok)
        goto fail;
    f->n_slots = 1 << 14;
    f->slots = xcalloc(f->n_slots, sizeof(entry));
    f->lang_tag = qr_arena_strdup(f->arena, lang ? lang : "en");
    f->hyph = S_load_hyphen(f->lang_tag);
    S_warn_patterns(f);
    return f;
fail:
    qr_fonts_free(f);
    return NULL;
}

/*
 * Letting go of the font map and of the FcConfig it was given.
 *
 * pango 1.50.12 (Debian 12) takes a reference on the configuration in
 * pango_fc_font_map_set_config() and does not drop it when the map is
 * finalized (later pango does); setting NULL hands it back, whichever pango
 * runs. Then the map can outlive our last reference: pango's fontconfig
 * thread holds a reference to it, and to the configuration, for each match
 * and sort still queued, and drops them when it gets there. A process that
 * exits first loses both (~185 KB, "definitely lost" to valgrind and
 * LeakSanitizer), so we wait, for at most 2 s, until the map is finalized;
 * the data's destroy notify runs last in GObject's finalize.
 */
typedef struct S_map_watch {
    int gone, abandoned;
} S_map_watch;

static GMutex S_watch_lock; /* static GMutex and GCond need no init */
static GCond S_watch_cond;

static void S_map_finalized(gpointer data)
{
    S_map_watch *w = data;
    g_mutex_lock(&S_watch_lock);
    w->gone = 1;
    int abandoned = w->abandoned;
    g_cond_broadcast(&S_watch_cond);
    g_mutex_unlock(&S_watch_lock);
    if (abandoned)
        free(w);
}

static void S_release_map(PangoFontMap *map)
{
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), NULL);
    S_map_watch *w = xcalloc(1, sizeof *w);
    g_object_set_data_full(G_OBJECT(map), "qr-map-watch", w, S_map_finalized);
    g_object_unref(map);
    gint64 deadline = g_get_monotonic_time() + 2 * G_TIME_SPAN_SECOND;
    g_mutex_lock(&S_watch_lock);
    while (!w->gone && g_cond_wait_until(&S_watch_cond, &S_watch_lock, deadline))
        ;
    int gone = w->gone;
    w->abandoned = !gone; /* then S_map_finalized frees it, if ever */
    g_mutex_unlock(&S_watch_lock);
    if (gone)
        free(w);
}

void qr_fonts_free(qr_fonts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_owned; i++)
        pango_glyph_string_free(f->owned[i]);
    free(f->owned);
    for (size_t i = 0; i < f->n_slots; i++)
        if (f->slots[i].shape)
            g_object_unref(f->slots[i].shape->font);
    free(f->slots);
    for (int i = 0; i < f->n_hang_fonts; i++)
        g_object_unref(f->hang_fonts[i].font);
    for (int i = 0; i < QR_N_FACES; i++)
        for (int j = 0; j < 8; j++)
            if (f->descs[i][j])
                pango_font_description_free(f->descs[i][j]);
    if (f->hyph)
        hnj_hyphen_free(f->hyph);
    if (f->ctx)
        g_object_unref(f->ctx);
    if (f->map)
        S_release_map(f->map);
    if (f->config)
        FcConfigDestroy(f->config);
    qr_arena_free(f->arena);
    free(f);
}

void qr_fonts_new_build(qr_fonts *f)
{
    f->n_warned = 0;
    S_warn_patterns(f);
}

size_t qr_fonts_n_shapes(const qr_fonts *f)
{
    return f->n_used;
}

unsigned long qr_fonts_missing_met(const qr_fonts *f)
{
    return f->missing_met;
}

PangoContext *qr_fonts_context(qr_fonts *f)
{
    return f->ctx;
}

PangoFontDescription *qr_fonts_desc(qr_fonts *f, int face, double size)
{
    int j = 0;
    for (; j < 8 && f->descs[face][j]; j++)
        if (f->desc_sizes[face][j] == size)
            return f->descs[face][j];
    if (j == 8)
        j = 7; /* recycle the last slot */
    else
        f->desc_sizes[face][j] = size;
    if (f->descs[face][j])
        pango_font_description_free(f->descs[face][j]);
    PangoFontDescription *d = pango_font_description_new();
    /* code falls back on the book's family for what the mono face lacks */
    pango_font_description_set_family(d, face == QR_FACE_MONO ? f->mono_family : f->family);
    pango_font_description_set_size(d, (int)(size * PANGO_SCALE + 0.5));
    pango_font_description_set_style(d, face == QR_FACE_ITALIC ? PANGO_STYLE_ITALIC
                                                               : PANGO_STYLE_NORMAL);
    pango_font_description_set_weight(d, face == QR_FACE_BOLD ? PANGO_WEIGHT_BOLD
                                                              : PANGO_WEIGHT_NORMAL);
    f->descs[face][j] = d;
    f->desc_sizes[face][j] = size;
    return d;
}

/* Returns whether the glyphs show a character no font has. */
static int S_warn_missing(qr_fonts *f, const char *text, int len, const PangoGlyphString *g)
{
    int missing = 0;
    for (int i = 0; i < g->num_glyphs; i++) {
        if (!(g->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
            continue;
        int b = g->log_clusters[i];
        uint32_t cp;
        qr_utf8_decode(text + b, (size_t)(len - b), &cp);
        if (cp == 0 || cp == '\n' || cp == 0x2028 || cp == 0xAD)
            continue;
        missing = 1;
        int seen = 0;
        for (int k = 0; k < f->n_warned && !seen; k++)
            seen = f->warned[k] == cp;
        if (seen)
            continue;
        if (f->n_warned < (int)QR_ARRAY_LEN(f->warned))
            f->warned[f->n_warned++] = cp;
        qr_warn(NULL, 0, 0, "no font has the character U+%04X '%.*s': it prints as a box",
                (unsigned)cp, qr_utf8_decode(text + b, (size_t)(len - b), &cp), text + b);
    }
    return missing;
}

static void S_grow(qr_fonts *f)
{
    size_t old_n = f->n_slots;
    entry *old = f->slots;
    f->n_slots *= 2;
    f->slots = xcalloc(f->n_slots, sizeof(entry));
    for (size_t i = 0; i < old_n; i++) {
        if (!old[i].shape)
            continue;
        size_t k = old[i].hash & (f->n_slots - 1);
        while (f->slots[k].shape)
            k = (k + 1) & (f->n_slots - 1);
        f->slots[k] = old[i];
    }
    free(old);
}

/* The font features an item's attributes ask for (Pango applies them when
 * shaping), "" for none. */
static const char *S_features(const PangoAnalysis *analysis)
{
    for (GSList *l = analysis->extra_attrs; l; l = l->next) {
        const PangoAttribute *a = l->data;
        if (a->klass->type == PANGO_ATTR_FONT_FEATURES)
            return ((const PangoAttrFontFeatures *)a)->features;
    }
    return "";
}

const qr_shape *qr_fonts_shape(qr_fonts *f, const PangoAnalysis *analysis, const char *text,
                               int len)
{
    const char *features = S_features(analysis);
    uint64_t h = S_hash(analysis->font, text, len) ^ (*features ? 0x9E3779B97F4A7C15ULL : 0);
    h = h ? h : 1;
    size_t k = h & (f->n_slots - 1);
    for (; f->slots[k].shape; k = (k + 1) & (f->n_slots - 1)) {
        const qr_shape *s = f->slots[k].shape;
        if (f->slots[k].hash == h && s->font == analysis->font && s->len == len &&
            memcmp(s->text, text, (size_t)len) == 0 && strcmp(s->features, features) == 0) {
            if (f->slots[k].missing) { /* warned once a build, as the first time */
                f->missing_met++;
                S_warn_missing(f, s->text, len, s->glyphs);
            }
            return s;
        }
    }
    qr_shape *s = qr_arena_alloc(f->arena, sizeof *s);
    s->font = g_object_ref(analysis->font);
    s->text = qr_arena_strndup(f->arena, text, (size_t)len);
    s->len = len;
    s->features = *features ? qr_arena_strndup(f->arena, features, strlen(features)) : "";
    s->glyphs = pango_glyph_string_new();
    pango_shape_with_flags(s->text, len, s->text, len, analysis, s->glyphs, PANGO_SHAPE_NONE);
    s->width = (double)pango_glyph_string_get_width(s->glyphs) / PANGO_SCALE;
    s->rtl = analysis->level & 1;
    f->slots[k].missing = S_warn_missing(f, s->text, len, s->glyphs);
    f->missing_met += (unsigned long)f->slots[k].missing;
    if (f->n_owned == f->cap_owned) {
        f->cap_owned = f->cap_owned ? f->cap_owned * 2 : 1024;
        f->owned = xrealloc(f->owned, f->cap_owned * sizeof *f->owned);
    }
    f->owned[f->n_owned++] = s->glyphs;
    f->slots[k].shape = s;
    f->slots[k].hash = h;
    if (++f->n_used * 2 > f->n_slots)
        S_grow(f);
    return s;
}

int qr_fonts_shape_string(qr_fonts *f, const char *text, int face, double size,
                          const qr_shape **shapes, int max)
{
    int len = (int)strlen(text);
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(
        attrs, pango_attr_font_desc_new(qr_fonts_desc(f, face & ~QR_FACE_LINING, size)));
    if (face & QR_FACE_LINING)
        pango_attr_list_insert(attrs, pango_attr_font_features_new(QR_LINING_FEATURES));
    GList *items = pango_itemize(f->ctx, text, 0, len, attrs, NULL);
    int n = 0;
    for (GList *l = items; l; l = l->next) {
        PangoItem *it = l->data;
        if (n < max)
            shapes[n++] = qr_fonts_shape(f, &it->analysis, text + it->offset, it->length);
        pango_item_free(it);
    }
    g_list_free(items);
    pango_attr_list_unref(attrs);
    return n;
}

int qr_fonts_hyphenate(qr_fonts *f, const char *word, int len, char *points, int left, int right)
{
    memset(points, 0, (size_t)len);
    if (!f->hyph || len < 4 || len > 200)
        return 0;
    /* libhyphen wants the word in lower case */
    char low[256];
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    low[len] = '\0'; /* libhyphen reads past word_size to the terminator */
    char hyphens[256 + 5];
    memset(hyphens, 0, sizeof hyphens);
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    int n = 0;
    if (hnj_hyphen_hyphenate3(f->hyph, low, len, hyphens, NULL, &rep, &pos, &cut, left, right, left,
                              right) == 0) {
        /* non-standard hyphenation (rep) changes letters: not used */
        for (int i = 0; i < len - 1; i++) {
            if ((hyphens[i] & 1) && !(rep && rep[i])) {
                points[i] = 1;
                n++;
            }
        }
    }
    if (rep) {
        for (int i = 0; i < len; i++)
            free(rep[i]);
        free(rep);
    }
    free(pos);
    free(cut);
    return n;
}

int qr_fonts_has_char(qr_fonts *f, uint32_t cp)
{
    PangoFont *font =
        pango_font_map_load_font(f->map, f->ctx, qr_fonts_desc(f, QR_FACE_REGULAR, 10));
    int has = font && pango_font_has_char(font, cp);
    if (font)
        g_object_unref(font);
    return has;
}

int qr_fonts_has_feature(qr_fonts *f, int face, const char *tag)
{
    PangoFont *font = pango_font_map_load_font(f->map, f->ctx, qr_fonts_desc(f, face, 10));
    hb_font_t *hb = font ? pango_font_get_hb_font(font) : NULL;
    int has = 0;
    if (hb) {
        hb_tag_t want = hb_tag_from_string(tag, -1), tags[64];
        hb_face_t *hf = hb_font_get_face(hb);
        unsigned start = 0, n;
        do {
            n = QR_ARRAY_LEN(tags);
            hb_ot_layout_table_get_feature_tags(hf, HB_OT_TAG_GSUB, start, &n, tags);
            for (unsigned i = 0; i < n && !has; i++)
                has = tags[i] == want;
            start += n;
        } while (n == QR_ARRAY_LEN(tags) && !has);
    }
    if (font)
        g_object_unref(font);
    return has;
}

double qr_shape_width(const qr_shape *s, int g0, int g1)
{
    int64_t w = 0; /* Pango units: an int overflows past ~350,000 glyphs */
    for (int i = g0; i < g1; i++)
        w += s->glyphs->glyphs[i].geometry.width;
    return (double)w / PANGO_SCALE;
}

int qr_shape_glyph_at(const qr_shape *s, int b)
{
    const PangoGlyphString *g = s->glyphs;
    for (int i = 0; i < g->num_glyphs; i++) {
        if (g->log_clusters[i] == b)
            return i;
        if (g->log_clusters[i] > b)
            return -1;
    }
    return b == s->len ? g->num_glyphs : -1;
}

/*
 * Reads a protrusion table, `U+XXXX left right` a line in thousandths of
 * the character's width (microtype's protrusion sets: pdfTeX's \lpcode and
 * \rpcode), `#` to the end of a line a comment.
 * A line that does not read so is warned about and left out. Returns the
 * number of entries, *out in the arena sorted by code point; 0 when the
 * file is not there.
 */
static int S_hang_cmp(const void *a, const void *b)
{
    uint32_t x = ((const S_hang *)a)->cp, y = ((const S_hang *)b)->cp;
    return x < y ? -1 : x > y;
}

static size_t S_read_hang(qr_fonts *f, const char *path, S_hang **out)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    size_t n = 0, cap = 0;
    S_hang *t = NULL;
    char line[256];
    for (int ln = 1; fgets(line, sizeof line, fp); ln++) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        unsigned cp;
        int l, r, used = 0;
        if (line[strspn(line, " \t\r\n")] == '\0')
            continue; /* blank or a comment */
        if (sscanf(line, " U+%x %d %d %n", &cp, &l, &r, &used) != 3 || line[used] != '\0' ||
            cp > 0x10FFFF || l < -1000 || l > 1000 || r < -1000 || r > 1000) {
            fprintf(stderr,
                    "%s:%d:1: warning: not 'U+XXXX left right' (thousandths of the "
                    "character's width)\n",
                    path, ln);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            t = xrealloc(t, cap * sizeof *t);
        }
        t[n++] = (S_hang){cp, l, r, 0};
    }
    fclose(fp);
    if (n) {
        qsort(t, n, sizeof *t, S_hang_cmp);
        *out = qr_arena_alloc(f->arena, n * sizeof *t);
        memcpy(*out, t, n * sizeof *t);
    }
    free(t);
    return n;
}

/* The table of a font: in the fonts folder, <file>.protrusion named after
 * the font's file without its extension (EBGaramond12-Italic), else after
 * the part before its first '-' (EBGaramond12, the family's). */
static struct S_hang_font *S_hang_font(qr_fonts *f, PangoFont *font)
{
    for (int i = 0; i < f->n_hang_fonts; i++)
        if (f->hang_fonts[i].font == font)
            return &f->hang_fonts[i];
    if (f->n_hang_fonts == (int)QR_ARRAY_LEN(f->hang_fonts))
        return NULL;
    struct S_hang_font *h = &f->hang_fonts[f->n_hang_fonts++];
    memset(h, 0, sizeof *h);
    h->font = g_object_ref(font);
    FcPattern *pat = PANGO_IS_FC_FONT(font) ? pango_fc_font_get_pattern(PANGO_FC_FONT(font)) : NULL;
    FcChar8 *file = NULL;
    if (!f->fonts_dir || !pat || FcPatternGetString(pat, FC_FILE, 0, &file) != FcResultMatch)
        return h;
    const char *base = strrchr((const char *)file, '/');
    base = base ? base + 1 : (const char *)file;
    size_t dir_len = (size_t)(base - (const char *)file);
    size_t fd_len = strlen(f->fonts_dir);
    while (fd_len > 1 && f->fonts_dir[fd_len - 1] == '/')
        fd_len--;
    /* only the fonts of our own folder have tables there */
    if (dir_len == 0 || dir_len - 1 != fd_len || strncmp((const char *)file, f->fonts_dir, fd_len))
        return h;
    size_t stem = strcspn(base, ".");
    size_t fam = strcspn(base, "-");
    char path[4096];
    snprintf(path, sizeof path, "%.*s/%.*s.protrusion", (int)fd_len, f->fonts_dir, (int)stem, base);
    h->n = S_read_hang(f, path, &h->hang);
    if (!h->n && fam < stem) {
        snprintf(path, sizeof path, "%.*s/%.*s.protrusion", (int)fd_len, f->fonts_dir, (int)fam,
                 base);
        h->n = S_read_hang(f, path, &h->hang);
    }
    /* each character's width in this font: its nominal glyph's advance */
    hb_font_t *hb = pango_font_get_hb_font(font);
    for (size_t i = 0; i < h->n; i++) {
        hb_codepoint_t g;
        if (!hb || !hb_font_get_nominal_glyph(hb, h->hang[i].cp, &g))
            continue;
        PangoRectangle logical;
        pango_font_get_glyph_extents(font, g, NULL, &logical);
        h->hang[i].width = (double)logical.width / PANGO_SCALE;
    }
    return h;
}

void qr_fonts_protrusion(qr_fonts *f, PangoFont *font, uint32_t cp, double *left, double *right)
{
    *left = *right = 0;
    struct S_hang_font *h = font ? S_hang_font(f, font) : NULL;
    if (!h || !h->n)
        return;
    S_hang key = {cp, 0, 0, 0};
    const S_hang *e = bsearch(&key, h->hang, h->n, sizeof key, S_hang_cmp);
    if (!e)
        return;
    *left = e->left * e->width / 1000;
    *right = e->right * e->width / 1000;
}
