/* pagemap.c: the place in the document where each printed page begins. */
#include <stdlib.h>

#include "base/ptrmap.h"
#include "pagemap.h"

/* Each text leaf's place in document order (from 1), doubled, plus one
 * when it lies inside a NOTE (set at a page's foot, not in the body). */
static void S_order(const qr_doc *doc, qr_ptrmap *order)
{
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    qr_event ev;
    size_t k = 0;
    int in_note = 0;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *n = qr_iter_node(&it);
        qr_node_type t = qr_node_get_type(n);
        if (t == QR_NODE_NOTE && !qr_node_is_leaf(n)) {
            in_note += ev == QR_EV_ENTER ? 1 : -1;
            continue;
        }
        if (ev == QR_EV_ENTER &&
            (t == QR_NODE_TEXT || t == QR_NODE_CODE || t == QR_NODE_CODE_BLOCK))
            qr_ptrmap_put(order, n, 2 * ++k + (in_note > 0));
    }
}

/* Whether c belongs to a word that hyphenation may break (letters and
 * digits of scripts that space their words: not CJK). */
static int S_word_char(gunichar c)
{
    return g_unichar_isalnum(c) && !g_unichar_iswide(c);
}

/* A page that begins with the end of a word hyphenated across the break
 * begins, for the EPUB, at that word's start: a marker inside a word would
 * cut it in two for search, speech and selection. */
static size_t S_word_start(const qr_node *n, size_t off)
{
    size_t len;
    const char *s = qr_node_text(n, &len);
    if (off == 0 || off > len ||
        !S_word_char(g_utf8_get_char_validated(s + off, (gssize)(len - off))))
        return off;
    while (off > 0) {
        const char *prev = g_utf8_find_prev_char(s, s + off);
        if (!prev || !S_word_char(g_utf8_get_char_validated(prev, (gssize)(s + off - prev))))
            break;
        off = (size_t)(prev - s);
    }
    return off;
}

qr_page_start *qr_layout_page_starts(const qr_layout *lay, const qr_doc *doc, size_t *n)
{
    qr_ptrmap order = QR_PTRMAP_INIT;
    S_order(doc, &order);
    qr_page_start *out = NULL;
    size_t n_out = 0, last_ord = 0, last_off = 0;
    for (size_t i = 0; i < lay->n_pages; i++) {
        const qr_page *pg = &lay->pages[i];
        for (size_t r = 0; r < pg->n_runs; r++) {
            const qr_run *run = &pg->runs[r];
            size_t ord;
            if (!run->src || run->artifact || !qr_ptrmap_get(&order, run->src, &ord))
                continue;
            if (ord % 2 == 1)
                continue; /* a footnote */
            size_t off = S_word_start(run->src, run->src_off);
            if (ord < last_ord || (ord == last_ord && off <= last_off))
                continue; /* repeated from an earlier page */
            if (n_out % 64 == 0)
                out = xrealloc(out, (n_out + 64) * sizeof *out);
            out[n_out].page = i;
            out[n_out].node = run->src;
            out[n_out].off = off;
            n_out++;
            last_ord = ord;
            last_off = off;
            break;
        }
    }
    qr_ptrmap_free(&order);
    *n = n_out;
    return out;
}
