/*
 * package.c: the package document (EPUB 3.3 "Package document"), the
 * navigation document (EPUB 3.3 "Navigation document"), the NCX for EPUB 2
 * reading systems (OPF 2.0.1 / ANSI/NISO Z39.86-2005) and
 * META-INF/container.xml (EPUB 3.3 OCF).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "epub_internal.h"

/* The word for "Contents" in a few languages, by primary subtag. */
static const struct {
    const char *lang;
    const char *word;
} S_contents[] = {
    {"en", "Contents"},
    {"de", "Inhalt"},
    {"es", "\xC3\x8D"
           "ndice"},
    {"fr", "Table des mati\xC3\xA8res"},
    {"it", "Indice"},
    {"ja", "\xE7\x9B\xAE\xE6\xAC\xA1"},
    {"nl", "Inhoud"},
    {"pt", "\xC3\x8D"
           "ndice"},
    {"ru", "\xD0\xA1\xD0\xBE\xD0\xB4\xD0\xB5\xD1\x80\xD0\xB6\xD0\xB0\xD0\xBD\xD0\xB8\xD0\xB5"},
    {"zh", "\xE7\x9B\xAE\xE5\xBD\x95"},
};

/* Whether the primary subtag of lang is prim (case-insensitive). */
static int S_primary_is(const char *lang, const char *prim)
{
    size_t n = strlen(prim);
    if (strncasecmp(lang, prim, n) != 0)
        return 0;
    return lang[n] == '\0' || lang[n] == '-';
}

/* Borrowed (static): "Contents" in the book's language, or NULL. */
static const char *S_contents_word(const char *lang)
{
    for (size_t i = 0; i < QR_ARRAY_LEN(S_contents); i++)
        if (S_primary_is(lang, S_contents[i].lang))
            return S_contents[i].word;
    return NULL;
}

static void S_lang_pair(qr_xw *x, const char *lang)
{
    qr_xw_attr(x, "xml:lang", lang);
    qr_xw_attr(x, "lang", lang);
}

/* Package document -------------------------------------------------------- */

static void S_meta_el(qr_xw *x, const char *name, const char *value)
{
    qr_xw_start(x, name);
    qr_xw_texts(x, value);
    qr_xw_close(x);
    qr_xw_nl(x);
}

static int S_role_ok(const char *r)
{
    /* MARC relator codes: three lower-case letters */
    return r && strlen(r) == 3 && r[0] >= 'a' && r[0] <= 'z' && r[1] >= 'a' && r[1] <= 'z' &&
           r[2] >= 'a' && r[2] <= 'z';
}

static void S_opt_meta(qr_xw *x, const char *name, const char *value)
{
    /* EPUB 3.3: Dublin Core elements must not be empty; unset ones are left out. */
    if (!value)
        return;
    size_t i = 0;
    while (value[i] == ' ' || value[i] == '\t' || value[i] == '\n' || value[i] == '\r')
        i++;
    if (value[i])
        S_meta_el(x, name, value);
}

/* <meta property="NAME">value</meta> */
static void S_prop(qr_xw *x, const char *name, const char *value)
{
    qr_xw_start(x, "meta");
    qr_xw_attr(x, "property", name);
    qr_xw_texts(x, value);
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* <NAME id="ID">value</NAME>: an element that a refinement points to. */
static void S_el_id(qr_xw *x, const char *name, const char *id, const char *value)
{
    qr_xw_start(x, name);
    qr_xw_attr(x, "id", id);
    qr_xw_texts(x, value);
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* <meta refines="#ID" property="PROPERTY" [scheme="SCHEME"]>value</meta> */
static void S_refine(qr_xw *x, const char *id, const char *property, const char *scheme,
                     const char *value)
{
    char ref[48];
    snprintf(ref, sizeof ref, "#%s", id);
    qr_xw_start(x, "meta");
    qr_xw_attr(x, "refines", ref);
    qr_xw_attr(x, "property", property);
    if (scheme)
        qr_xw_attr(x, "scheme", scheme);
    qr_xw_texts(x, value);
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* One meta per value: the author's list when given, else the defaults. */
static void S_props(qr_xw *x, const char *name, const char *const *given, int n_given,
                    const char *const *defaults, int n_defaults)
{
    const char *const *v = n_given > 0 ? given : defaults;
    int n = n_given > 0 ? n_given : n_defaults;
    for (int i = 0; i < n; i++)
        if (v[i] && *v[i])
            S_prop(x, name, v[i]);
}

/*
 * The print edition's pages and EPUB Accessibility 1.1 (section 2, the
 * discovery metadata of schema.org; section 4, conformance). What the book
 * has decides the defaults: visual access and alternativeText with images,
 * page navigation with a page-list; the conformance claim only when every
 * image has alt text (WCAG 1.1.1). The manifest's accessibility: overrides
 * each (opt->a11y).
 */
static void S_a11y(const qr_epub_book *bk, qr_xw *x)
{
    const qr_epub_a11y none = {0};
    const qr_epub_a11y *a = bk->opt->a11y ? bk->opt->a11y : &none;
    int pages = qr_epub_pages_written(bk) > 0;
    int images = bk->n_alt + bk->n_no_alt > 0, all_alt = bk->n_no_alt == 0;
    if (pages) {
        /* EPUB Accessibility 1.1, 'Page source': dc:source names the
         * paginated edition the markers come from: the print edition
         * (the PDF laid out from the same document), by its ISBN when the
         * book has one, else by the book's own identifier (the print
         * edition is built from the same document, and has no identifier
         * of its own). EPUB 3.2's source-of refinement says which dc:source
         * it is (a Gutenberg book has another). The draft pageBreakSource
         * (a11y:pageBreakSource) is not written: EPUBCheck 4.2 calls
         * either spelling an undefined property (OPF-027); Ace reads
         * source-of as well. */
        const char *src = bk->isbn_urn ? bk->isbn_urn : bk->identifier;
        S_el_id(x, "dc:source", "print-source", src);
        S_refine(x, "print-source", "source-of", NULL, "pagination");
    }
    const char *modes[2] = {"textual", "visual"};
    S_props(x, "schema:accessMode", a->modes, a->n_modes, modes, images ? 2 : 1);
    const char *sufficient[2] = {"textual", "textual,visual"};
    if (images && !all_alt)
        sufficient[0] = "textual,visual";
    S_props(x, "schema:accessModeSufficient", a->sufficient, a->n_sufficient, sufficient,
            images && all_alt ? 2 : 1);
    const char *features[8];
    int nf = 0;
    features[nf++] = "structuralNavigation";
    features[nf++] = "tableOfContents";
    features[nf++] = "readingOrder";
    if (pages) {
        features[nf++] = "pageBreakMarkers";
        features[nf++] = "pageNavigation";
    }
    if (images && all_alt)
        features[nf++] = "alternativeText";
    features[nf++] = "displayTransformability";
    S_props(x, "schema:accessibilityFeature", a->features, a->n_features, features, nf);
    const char *hazard = "none";
    S_props(x, "schema:accessibilityHazard", a->hazards, a->n_hazards, &hazard, 1);
    qr_buf summary = QR_BUF_INIT;
    if (a->summary && *a->summary) {
        qr_buf_adds(&summary, a->summary);
    } else {
        qr_buf_adds(&summary, all_alt ? "This publication meets EPUB Accessibility 1.1 and "
                                        "WCAG 2.2 Level AA. It has a table of contents, "
                                        "headings for its structure and one reading order"
                                      : "It has a table of contents, headings for its "
                                        "structure and one reading order");
        if (pages)
            qr_buf_adds(&summary, ", and marks where each page of its print edition begins, "
                                  "with a list of those pages to go to one");
        qr_buf_adds(&summary, ".");
        if (images)
            qr_buf_adds(&summary, all_alt ? " Every image has a text description."
                                          : " Some images have no text description.");
        qr_buf_adds(&summary, " The text can be resized and restyled; nothing flashes, moves "
                              "or makes sound.");
    }
    S_prop(x, "schema:accessibilitySummary", summary.ptr);
    qr_buf_release(&summary);
    if (a->conforms_to && *a->conforms_to)
        S_prop(x, "dcterms:conformsTo", a->conforms_to);
    else if (all_alt)
        S_prop(x, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA");
}

static void S_metadata(const qr_epub_book *bk, qr_xw *x)
{
    const qr_meta *m = qr_doc_meta_const(bk->doc);
    qr_xw_start(x, "metadata");
    qr_xw_attr(x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
    qr_xw_nl(x);

    /* EPUB 3.3: the unique-identifier attribute names this dc:identifier. */
    qr_xw_start(x, "dc:identifier");
    qr_xw_attr(x, "id", "uid");
    qr_xw_texts(x, bk->identifier);
    qr_xw_close(x);
    qr_xw_nl(x);
    if (bk->isbn_urn) {
        /* The ISBN: the unique identifier itself, or a second dc:identifier;
         * EPUB 3.3 D.3 identifier-type with ONIX code list 5, where 15 is
         * ISBN-13 and 02 ISBN-10. */
        const char *id = "uid";
        if (strcmp(bk->isbn_urn, bk->identifier) != 0) {
            S_el_id(x, "dc:identifier", "isbn", bk->isbn_urn);
            id = "isbn";
        }
        S_refine(x, id, "identifier-type", "onix:codelist5",
                 strlen(bk->isbn_urn) == strlen("urn:isbn:") + 13 ? "15" : "02");
    }

    /* EPUB 3.3: the first dc:title is the main title. */
    S_meta_el(x, "dc:title", bk->title);
    if (bk->subtitle) {
        /* EPUB 3.3 D.3 title-type marks the second one as the subtitle. */
        S_el_id(x, "dc:title", "subtitle", bk->subtitle);
        S_refine(x, "subtitle", "title-type", NULL, "subtitle");
    }

    int nc = 0;
    for (int i = 0; i < m->n_creators && i < QR_MAX_CREATORS; i++) {
        const char *name = m->creators[i].name;
        size_t k = 0;
        while (name && (name[k] == ' ' || name[k] == '\t' || name[k] == '\n'))
            k++;
        if (!name || !name[k])
            continue;
        char id[32];
        snprintf(id, sizeof id, "creator%d", ++nc);
        S_el_id(x, "dc:creator", id, name);
        const char *role = m->creators[i].role ? m->creators[i].role : "aut";
        if (S_role_ok(role)) /* EPUB 3.3 D.3 role, with the MARC relators scheme */
            S_refine(x, id, "role", "marc:relators", role);
    }

    S_meta_el(x, "dc:language", bk->lang);
    if (qr_w3c_date_ok(m->date))
        S_meta_el(x, "dc:date", m->date);
    S_opt_meta(x, "dc:source", m->source);
    S_opt_meta(x, "dc:publisher", m->publisher);
    S_opt_meta(x, "dc:rights", m->rights);
    S_opt_meta(x, "dc:description", m->description);
    for (int i = 0; i < m->n_subjects; i++)
        S_opt_meta(x, "dc:subject", m->subjects[i]);
    if (m->series && *m->series) {
        /* EPUB 3.3 D.3: belongs-to-collection, refined as a series with the
         * book's place in it */
        qr_xw_start(x, "meta");
        qr_xw_attr(x, "property", "belongs-to-collection");
        qr_xw_attr(x, "id", "series");
        qr_xw_texts(x, m->series);
        qr_xw_close(x);
        qr_xw_nl(x);
        S_refine(x, "series", "collection-type", NULL, "series");
        if (m->series_position && *m->series_position)
            S_refine(x, "series", "group-position", NULL, m->series_position);
    }

    S_a11y(bk, x);

    /* EPUB 3.3: exactly one dcterms:modified, CCYY-MM-DDThh:mm:ssZ. */
    qr_xw_start(x, "meta");
    qr_xw_attr(x, "property", "dcterms:modified");
    qr_xw_texts(x, bk->modified);
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_close(x); /* metadata */
    qr_xw_nl(x);
}

static void S_item(qr_xw *x, const char *id, const char *href, const char *type, const char *props)
{
    qr_xw_start(x, "item");
    qr_xw_attr(x, "id", id);
    qr_xw_attr(x, "href", href);
    qr_xw_attr(x, "media-type", type);
    if (props)
        qr_xw_attr(x, "properties", props);
    qr_xw_close(x);
    qr_xw_nl(x);
}

static void S_itemref(qr_xw *x, const char *idref)
{
    qr_xw_start(x, "itemref");
    qr_xw_attr(x, "idref", idref);
    qr_xw_close(x);
    qr_xw_nl(x);
}

int qr_epub_write_opf(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    const qr_epub_options *opt = bk->opt;
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    qr_xw_start(x, "package");
    qr_xw_attr(x, "xmlns", "http://www.idpf.org/2007/opf");
    qr_xw_attr(x, "version", "3.0");
    qr_xw_attr(x, "unique-identifier", "uid");
    qr_xw_attr(x, "xml:lang", bk->lang);
    qr_xw_nl(x);
    S_metadata(bk, x);

    qr_xw_start(x, "manifest");
    qr_xw_nl(x);
    S_item(x, "nav", QR_EPUB_NAV, "application/xhtml+xml", "nav");
    S_item(x, "ncx", QR_EPUB_NCX, "application/x-dtbncx+xml", NULL);
    S_item(x, "css", bk->css_href, "text/css", NULL);
    if (qr_epub_code_font(bk))
        S_item(x, "code-css", QR_EPUB_CODE_CSS, "text/css", NULL);
    if (bk->cover_href) {
        /* EPUB 3.3: the cover-image property marks the cover (one item) */
        S_item(x, "cover-image", bk->cover_href, qr_doc_meta_const(bk->doc)->cover_type,
               "cover-image");
        S_item(x, "cover", QR_EPUB_COVER_PAGE, "application/xhtml+xml", NULL);
    }
    for (int i = 0; i < opt->n_fonts; i++) {
        char id[32], href[256];
        snprintf(id, sizeof id, "font-%d", i + 1);
        snprintf(href, sizeof href, QR_EPUB_FONT_DIR "%s", opt->fonts[i].name);
        /* EPUB 3.3 core media types: font/otf for OpenType fonts */
        S_item(x, id, href, opt->fonts[i].media_type ? opt->fonts[i].media_type : "font/otf", NULL);
    }
    if (qr_epub_code_font(bk)) {
        char href[256];
        snprintf(href, sizeof href, QR_EPUB_FONT_DIR "%s", opt->code_font->name);
        /* EPUB 3.3 core media types: font/ttf for TrueType fonts */
        S_item(x, "font-code", href,
               opt->code_font->media_type ? opt->code_font->media_type : "font/ttf", NULL);
    }
    /* EPUB 3.3: every image a content document uses is a manifest item */
    for (int i = 0; i < bk->n_images; i++)
        S_item(x, bk->images[i].id, bk->images[i].href, bk->images[i].image->type, NULL);
    if (!bk->own_title_page) /* else a unit, below */
        S_item(x, "titlepage", QR_EPUB_TITLE_PAGE, "application/xhtml+xml", NULL);
    S_item(x, "copyright", QR_EPUB_COPYRIGHT_PAGE, "application/xhtml+xml", NULL);
    for (int i = 0; i < bk->n_units; i++)
        S_item(x, bk->units[i].id, bk->units[i].href, "application/xhtml+xml", NULL);
    qr_xw_close(x); /* manifest */
    qr_xw_nl(x);

    /* The NCX is named by spine/@toc for EPUB 2 reading systems (OPF 2.0.1). */
    qr_xw_start(x, "spine");
    qr_xw_attr(x, "toc", "ncx");
    qr_xw_nl(x);
    if (bk->cover_href)
        S_itemref(x, "cover"); /* the cover page opens the book */
    S_itemref(x, "titlepage"); /* the book's own, or the one made */
    S_itemref(x, "copyright");
    for (int i = 0; i <= bk->n_units; i++) {
        if (i == bk->nav_pos)
            S_itemref(x, "nav");
        if (i < bk->n_units && !bk->units[i].title_page)
            S_itemref(x, bk->units[i].id);
    }
    qr_xw_close(x); /* spine */
    qr_xw_nl(x);
    qr_xw_close(x); /* package */
    qr_xw_nl(x);
    return qr_xw_end(x, QR_EPUB_OPF, err);
}

/* Navigation document ------------------------------------------------------ */

static void S_nav_link(const qr_epub_book *bk, qr_xw *x, const qr_epub_unit *u)
{
    qr_xw_start(x, "a");
    qr_xw_attr(x, "href", u->href);
    if (strcmp(u->lang, bk->lang) != 0)
        S_lang_pair(x, u->lang);
    /* EPUB 3.3: navigation labels must not be empty (the plan sees to it). */
    qr_xw_texts(x, u->label);
    qr_xw_close(x);
}

/* The h2 and h3 of a unit, as an <ol> inside its <li>: an h3 nests in the
 * h2 before it (EPUB 3.3 nav: li > (a, ol?)). */
static void S_heading_list(const qr_epub_book *bk, qr_xw *x, const qr_epub_unit *u)
{
    if (u->n_headings == 0)
        return;
    qr_buf href = QR_BUF_INIT;
    qr_xw_nl(x);
    qr_xw_start(x, "ol");
    qr_xw_nl(x);
    int open_sub = 0; /* an h2's <li> with its <ol> of h3 open */
    for (int k = 0; k < u->n_headings; k++) {
        const qr_epub_heading *h = &u->headings[k];
        int next_sub = k + 1 < u->n_headings && u->headings[k + 1].depth == 2;
        if (h->depth == 1 && open_sub) {
            qr_xw_close(x); /* ol */
            qr_xw_nl(x);
            qr_xw_close(x); /* li */
            qr_xw_nl(x);
            open_sub = 0;
        }
        qr_buf_reset(&href);
        qr_buf_addf(&href, "%s#heading-%d", u->href, h->number);
        qr_xw_start(x, "li");
        qr_xw_start(x, "a");
        qr_xw_attr(x, "href", href.ptr);
        if (strcmp(u->lang, bk->lang) != 0)
            S_lang_pair(x, u->lang);
        qr_xw_texts(x, h->label);
        qr_xw_close(x); /* a */
        if (h->depth == 1 && next_sub) {
            qr_xw_nl(x);
            qr_xw_start(x, "ol");
            qr_xw_nl(x);
            open_sub = 1;
        } else {
            qr_xw_close(x); /* li */
            qr_xw_nl(x);
        }
    }
    if (open_sub) {
        qr_xw_close(x); /* ol */
        qr_xw_nl(x);
        qr_xw_close(x); /* li */
        qr_xw_nl(x);
    }
    qr_xw_close(x); /* ol */
    qr_xw_nl(x);
    qr_buf_release(&href);
}

static void S_toc_list(const qr_epub_book *bk, qr_xw *x)
{
    /* EPUB 3.3 nav: ol > li > (a, ol?); a part's chapters nest in its li. */
    qr_xw_start(x, "ol");
    qr_xw_nl(x);
    int li_open = 0, ol_open = 0;
    for (int i = 0; i < bk->n_units; i++) {
        const qr_epub_unit *u = &bk->units[i];
        if (u->title_page)
            continue; /* a landmark, not a chapter */
        if (!u->nested) {
            if (ol_open) {
                qr_xw_close(x); /* ol */
                qr_xw_nl(x);
                ol_open = 0;
            }
            if (li_open) {
                qr_xw_close(x); /* li */
                qr_xw_nl(x);
            }
            qr_xw_start(x, "li");
            S_nav_link(bk, x, u);
            S_heading_list(bk, x, u);
            li_open = 1;
            if (u->has_nested) {
                qr_xw_nl(x);
                qr_xw_start(x, "ol");
                qr_xw_nl(x);
                ol_open = 1;
            }
        } else {
            qr_xw_start(x, "li");
            S_nav_link(bk, x, u);
            S_heading_list(bk, x, u);
            qr_xw_close(x);
            qr_xw_nl(x);
        }
    }
    if (ol_open) {
        qr_xw_close(x);
        qr_xw_nl(x);
    }
    if (li_open) {
        qr_xw_close(x);
        qr_xw_nl(x);
    }
    qr_xw_close(x); /* ol */
    qr_xw_nl(x);
}

static void S_landmark(qr_xw *x, const char *type, const char *href, const char *label)
{
    qr_xw_start(x, "li");
    qr_xw_start(x, "a");
    qr_xw_attr(x, "epub:type", type);
    qr_xw_attr(x, "href", href);
    qr_xw_texts(x, label);
    qr_xw_close(x);
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* "text/chapter-001.xhtml#page-12": where print page k's marker is. */
static void S_page_href(const qr_epub_book *bk, int k, qr_buf *out)
{
    qr_buf_reset(out);
    qr_buf_addf(out, "%s#page-%s", bk->units[bk->page_unit[k]].href, bk->opt->pages[k].label);
}

/* EPUB 3.3 nav: the page-list, flat, one entry per print page in order,
 * hidden from the reading order (DPUB-ARIA doc-pagelist). Only the markers
 * the chapters wrote are listed. */
static void S_page_list(const qr_epub_book *bk, qr_xw *x, int english)
{
    if (qr_epub_pages_written(bk) == 0)
        return;
    qr_buf href = QR_BUF_INIT;
    qr_xw_start(x, "nav");
    qr_xw_attr(x, "epub:type", "page-list");
    qr_xw_attr(x, "role", "doc-pagelist");
    qr_xw_attr(x, "id", "page-list");
    qr_xw_attr(x, "aria-label", "Pages");
    qr_xw_attr(x, "hidden", "");
    if (!english)
        S_lang_pair(x, "en");
    qr_xw_nl(x);
    qr_xw_element(x, "h2", "Pages");
    qr_xw_nl(x);
    qr_xw_start(x, "ol");
    qr_xw_nl(x);
    for (int k = 0; k < bk->opt->n_pages; k++) {
        if (bk->page_unit[k] < 0)
            continue;
        S_page_href(bk, k, &href);
        qr_xw_start(x, "li");
        qr_xw_start(x, "a");
        qr_xw_attr(x, "href", href.ptr);
        qr_xw_texts(x, bk->opt->pages[k].label);
        qr_xw_close(x);
        qr_xw_close(x);
        qr_xw_nl(x);
    }
    qr_xw_close(x); /* ol */
    qr_xw_nl(x);
    qr_xw_close(x); /* nav */
    qr_xw_nl(x);
    qr_buf_release(&href);
}

int qr_epub_write_nav(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    const char *word = S_contents_word(bk->lang);
    int english = S_primary_is(bk->lang, "en");

    qr_epub_page_start(x, bk->lang, bk->title, bk->css_href, NULL);

    qr_xw_start(x, "nav");
    qr_xw_attr(x, "epub:type", "toc");
    qr_xw_attr(x, "role", "doc-toc");
    qr_xw_attr(x, "id", "toc");
    qr_xw_nl(x);
    qr_xw_start(x, "h1");
    if (!word)
        S_lang_pair(x, "en");
    qr_xw_texts(x, word ? word : "Contents");
    qr_xw_close(x);
    qr_xw_nl(x);
    S_toc_list(bk, x);
    qr_xw_close(x); /* nav */
    qr_xw_nl(x);

    S_page_list(bk, x, english);

    /* EPUB 3.3 nav: landmarks, hidden from the reading order; each link
     * names its epub:type. */
    qr_xw_start(x, "nav");
    qr_xw_attr(x, "epub:type", "landmarks");
    qr_xw_attr(x, "id", "landmarks");
    qr_xw_attr(x, "hidden", "");
    if (!english)
        S_lang_pair(x, "en");
    qr_xw_nl(x);
    qr_xw_element(x, "h2", "Landmarks");
    qr_xw_nl(x);
    qr_xw_start(x, "ol");
    qr_xw_nl(x);
    if (bk->cover_href)
        S_landmark(x, "cover", QR_EPUB_COVER_PAGE, "Cover");
    S_landmark(x, "titlepage", QR_EPUB_TITLE_PAGE, "Title page");
    S_landmark(x, "copyright-page", QR_EPUB_COPYRIGHT_PAGE, "Copyright");
    S_landmark(x, "toc", QR_EPUB_NAV "#toc", "Contents");
    if (bk->first_body >= 0)
        S_landmark(x, "bodymatter", bk->units[bk->first_body].href, "Start of content");
    qr_xw_close(x); /* ol */
    qr_xw_nl(x);
    qr_xw_close(x); /* nav */
    qr_xw_nl(x);

    qr_epub_page_end(x);
    return qr_xw_end(x, QR_EPUB_NAV, err);
}

/* NCX ---------------------------------------------------------------------- */

static void S_ncx_meta(qr_xw *x, const char *name, const char *content)
{
    qr_xw_start(x, "meta");
    qr_xw_attr(x, "name", name);
    qr_xw_attr(x, "content", content);
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* Opens a navPoint (left open for the ones nested in it). */
static void S_nav_point(qr_xw *x, const char *label, const char *src, int order)
{
    char id[32];
    snprintf(id, sizeof id, "navpoint-%d", order);
    qr_xw_start(x, "navPoint");
    qr_xw_attr(x, "id", id);
    qr_xw_attr_int(x, "playOrder", order);
    qr_xw_nl(x);
    qr_xw_start(x, "navLabel");
    qr_xw_element(x, "text", label);
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_start(x, "content");
    qr_xw_attr(x, "src", src);
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* The unit's navPoint, open, with its headings' navPoints inside. */
static void S_unit_points(qr_xw *x, const qr_epub_unit *u, int *order)
{
    S_nav_point(x, u->label, u->href, ++*order);
    qr_buf src = QR_BUF_INIT;
    int open_sub = 0;
    for (int k = 0; k < u->n_headings; k++) {
        const qr_epub_heading *h = &u->headings[k];
        if (h->depth == 1 && open_sub) {
            qr_xw_close(x);
            qr_xw_nl(x);
            open_sub = 0;
        }
        qr_buf_reset(&src);
        qr_buf_addf(&src, "%s#heading-%d", u->href, h->number);
        S_nav_point(x, h->label, src.ptr, ++*order);
        if (h->depth == 1) {
            open_sub = 1;
        } else {
            qr_xw_close(x);
            qr_xw_nl(x);
        }
    }
    if (open_sub) {
        qr_xw_close(x);
        qr_xw_nl(x);
    }
    qr_buf_release(&src);
}

/* Z39.86-2005 pageList: a pageTarget per print page, numbered after the
 * navMap's points; front matter's (roman) pages are "front". */
static void S_ncx_pages(const qr_epub_book *bk, qr_xw *x, int order)
{
    if (qr_epub_pages_written(bk) == 0)
        return;
    qr_buf href = QR_BUF_INIT;
    qr_xw_start(x, "pageList");
    qr_xw_nl(x);
    qr_xw_start(x, "navLabel");
    qr_xw_element(x, "text", "Pages");
    qr_xw_close(x);
    qr_xw_nl(x);
    for (int k = 0; k < bk->opt->n_pages; k++) {
        if (bk->page_unit[k] < 0)
            continue;
        const char *label = bk->opt->pages[k].label;
        char id[48];
        snprintf(id, sizeof id, "pagetarget-%s", label);
        S_page_href(bk, k, &href);
        qr_xw_start(x, "pageTarget");
        qr_xw_attr(x, "id", id);
        qr_xw_attr(x, "type", label[0] >= '0' && label[0] <= '9' ? "normal" : "front");
        qr_xw_attr(x, "value", label);
        qr_xw_attr_int(x, "playOrder", ++order);
        qr_xw_nl(x);
        qr_xw_start(x, "navLabel");
        qr_xw_element(x, "text", label);
        qr_xw_close(x);
        qr_xw_nl(x);
        qr_xw_start(x, "content");
        qr_xw_attr(x, "src", href.ptr);
        qr_xw_close(x);
        qr_xw_nl(x);
        qr_xw_close(x); /* pageTarget */
        qr_xw_nl(x);
    }
    qr_xw_close(x); /* pageList */
    qr_xw_nl(x);
    qr_buf_release(&href);
}

int qr_epub_write_ncx(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    qr_xw_start(x, "ncx");
    qr_xw_attr(x, "xmlns", "http://www.daisy.org/z3986/2005/ncx/");
    qr_xw_attr(x, "version", "2005-1");
    qr_xw_attr(x, "xml:lang", bk->lang);
    qr_xw_nl(x);
    qr_xw_start(x, "head");
    qr_xw_nl(x);
    /* OPF 2.0.1: dtb:uid is the package's unique identifier. */
    S_ncx_meta(x, "dtb:uid", bk->identifier);
    char depth[8];
    snprintf(depth, sizeof depth, "%d", bk->nav_depth);
    S_ncx_meta(x, "dtb:depth", depth);
    /* Z39.86-2005: the pages of the print edition, and its highest folio */
    int pages = qr_epub_pages_written(bk), max_page = 0;
    for (int k = 0; k < bk->opt->n_pages; k++) {
        int v = atoi(bk->opt->pages[k].label);
        if (bk->page_unit[k] >= 0 && v > max_page)
            max_page = v;
    }
    qr_xw_start(x, "meta");
    qr_xw_attr(x, "name", "dtb:totalPageCount");
    qr_xw_attr_int(x, "content", pages);
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_start(x, "meta");
    qr_xw_attr(x, "name", "dtb:maxPageNumber");
    qr_xw_attr_int(x, "content", max_page);
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_close(x); /* head */
    qr_xw_nl(x);
    qr_xw_start(x, "docTitle");
    qr_xw_element(x, "text", bk->title);
    qr_xw_close(x);
    qr_xw_nl(x);

    /* navPoints in reading order, playOrder counting from 1; a part's
     * chapters nest inside its navPoint, as in the nav document. */
    qr_xw_start(x, "navMap");
    qr_xw_nl(x);
    int top_open = 0, order = 0;
    for (int i = 0; i < bk->n_units; i++) {
        const qr_epub_unit *u = &bk->units[i];
        if (u->title_page)
            continue; /* as in the nav: a landmark, not a chapter */
        if (!u->nested && top_open) {
            qr_xw_close(x);
            qr_xw_nl(x);
            top_open = 0;
        }
        S_unit_points(x, u, &order);
        if (u->nested) {
            qr_xw_close(x);
            qr_xw_nl(x);
        } else {
            top_open = 1;
        }
    }
    if (top_open) {
        qr_xw_close(x);
        qr_xw_nl(x);
    }
    qr_xw_close(x); /* navMap */
    qr_xw_nl(x);
    S_ncx_pages(bk, x, order);
    qr_xw_close(x); /* ncx */
    qr_xw_nl(x);
    return qr_xw_end(x, QR_EPUB_NCX, err);
}

/* container.xml ------------------------------------------------------------ */

int qr_epub_write_container_xml(qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    /* EPUB 3.3 OCF: META-INF/container.xml names the package document. */
    qr_xw_start(x, "container");
    qr_xw_attr(x, "version", "1.0");
    qr_xw_attr(x, "xmlns", "urn:oasis:names:tc:opendocument:xmlns:container");
    qr_xw_nl(x);
    qr_xw_start(x, "rootfiles");
    qr_xw_nl(x);
    qr_xw_start(x, "rootfile");
    qr_xw_attr(x, "full-path", QR_EPUB_DIR QR_EPUB_OPF);
    qr_xw_attr(x, "media-type", "application/oebps-package+xml");
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_close(x);
    qr_xw_nl(x);
    return qr_xw_end(x, "META-INF/container.xml", err);
}
