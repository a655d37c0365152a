/*
 * report_pdf.c: a report as an A4 PDF, drawn with cairo, text by Pango
 * (report.h).
 *
 * Every page has the header (report title; site, period, time of
 * generation) and the footer ("Halaman 1 dari 3").  Each table follows
 * with its title, a heading row repeated on every page it runs over,
 * subtotal rows where the grouping column changes, a total row, and a
 * horizontal bar chart when the table asks for one.  Rows have one fixed
 * height (long texts are ellipsized), so the layout is a pure function of
 * the rows: the document is drawn twice, first into a discarding stream
 * to count the pages, then for real with "dari N" known.
 *
 * Fonts: "DejaVu Sans", found through fontconfig (fonts-dejavu-core) and
 * embedded as a subset by cairo, so the file reads the same everywhere.
 */
#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "collector/report.h"

/* A4 in points, and the layout in points. */
#define PDF_W 595.28
#define PDF_H 841.89
#define PDF_MARGIN 36.0
#define PDF_TOP 84.0            /* first table line under the header */
#define PDF_BOTTOM (PDF_H - 50) /* nothing drawn below but the footer */
#define PDF_ROW 12.0
#define PDF_HEAD_ROW 14.0
#define PDF_TITLE_ROW 22.0
#define PDF_BAR_ROW 12.0
#define PDF_CHART_MAX 30 /* rows; a longer table gets no chart */
#define PDF_FONT "DejaVu Sans"

struct pdf {
	const struct report *r;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLayout *layout;
	int page, total; /* total 0: the counting pass, which draws no text */
	double y;
	PangoFontDescription *fonts[2]; /* regular, bold */
};

enum pdf_align { PDF_LEFT, PDF_RIGHT, PDF_CENTER };

static cairo_status_t
pdf_write_file(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS
	                                            : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t
pdf_write_nothing(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

/* One line of text in [x, x + w), top at y, ellipsized to fit. */
static void
pdf_text(struct pdf *p, double x, double y, double w, const char *text,
         double size, int bold, enum pdf_align align)
{
	PangoFontDescription *fd = p->fonts[bold != 0];

	/* the layout does not depend on the text: the count needs none */
	if (p->total == 0)
		return;
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	pango_layout_set_font_description(p->layout, fd);
	pango_layout_set_width(p->layout, (int)(w * PANGO_SCALE));
	pango_layout_set_alignment(p->layout,
	                           align == PDF_RIGHT    ? PANGO_ALIGN_RIGHT
	                           : align == PDF_CENTER ? PANGO_ALIGN_CENTER
	                                                 : PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->layout, text, -1);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
}

static void
pdf_period(const struct report *r, char *buf, size_t sz)
{
	char a[64], b[64];

	if (r->from != 0)
		fmt_time(r->from, 0, r->lang, a, sizeof(a));
	if (r->to != 0) /* 'to' is exclusive: the last day is before it */
		fmt_time(r->to - 1, 0, r->lang, b, sizeof(b));
	if (r->from != 0 && r->to != 0)
		snprintf(buf, sz, "%s \xe2\x80\x93 %s", a, b);
	else if (r->from != 0)
		snprintf(buf, sz, "%s %s", report_tr(r, "sejak", "since"), a);
	else if (r->to != 0)
		snprintf(buf, sz, "%s %s", report_tr(r, "sampai", "until"), b);
	else
		snprintf(buf, sz, "%s", report_tr(r, "semua data", "all data"));
}

static void
pdf_new_page(struct pdf *p)
{
	const struct report *r = p->r;
	char line[512], period[160], gen[64], foot[64], total[16];

	if (p->page > 0) {
		cairo_show_page(p->cr);
		if (p->total > 0)
			report_progress(r, "PDF pages", (size_t)p->page,
			                (size_t)p->total);
	}
	p->page++;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pdf_text(p, PDF_MARGIN, PDF_MARGIN, PDF_W - 2 * PDF_MARGIN,
	         report_tr(r, r->title_id, r->title_en), 14, 1, PDF_LEFT);
	pdf_period(r, period, sizeof(period));
	snprintf(line, sizeof(line), "%s: %s    %s: %s    %s: %s",
	         report_tr(r, "Lokasi", "Site"),
	         r->site[0] != '\0' ? r->site
	                            : report_tr(r, "semua lokasi", "all sites"),
	         report_tr(r, "Periode", "Period"), period,
	         report_tr(r, "Dibuat", "Generated"),
	         fmt_time(r->now, 1, r->lang, gen, sizeof(gen)));
	pdf_text(p, PDF_MARGIN, PDF_MARGIN + 22, PDF_W - 2 * PDF_MARGIN, line,
	         8.5, 0, PDF_LEFT);
	if (r->note_id != NULL)
		pdf_text(p, PDF_MARGIN, PDF_MARGIN + 34, PDF_W - 2 * PDF_MARGIN,
		         report_tr(r, r->note_id, r->note_en), 7.5, 0,
		         PDF_LEFT);
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, PDF_MARGIN, PDF_TOP - 8);
	cairo_line_to(p->cr, PDF_W - PDF_MARGIN, PDF_TOP - 8);
	cairo_stroke(p->cr);

	if (p->total > 0)
		snprintf(total, sizeof(total), "%d", p->total);
	else
		snprintf(total, sizeof(total), "?");
	snprintf(foot, sizeof(foot), "%s %d %s %s",
	         report_tr(r, "Halaman", "Page"), p->page,
	         report_tr(r, "dari", "of"), total);
	pdf_text(p, PDF_MARGIN, PDF_H - 36, PDF_W - 2 * PDF_MARGIN, foot, 8, 0,
	         PDF_CENTER);
	pdf_text(p, PDF_MARGIN, PDF_H - 36, PDF_W - 2 * PDF_MARGIN,
	         "pantau " PACKAGE_VERSION, 7, 0, PDF_LEFT);
	p->y = PDF_TOP;
}

/* Starts a new page when 'h' more points do not fit; 1 if it did. */
static int
pdf_need(struct pdf *p, double h)
{
	if (p->y + h <= PDF_BOTTOM)
		return 0;
	pdf_new_page(p);
	return 1;
}

/* The x and width of every column shown; returns how many are shown. */
static size_t
pdf_columns(const struct report_table *t, double *x, double *w, size_t *idx)
{
	double sum = 0, at = PDF_MARGIN;
	size_t i, n = 0;

	for (i = 0; i < t->ncols; i++)
		if (!(t->cols[i].flags & REPORT_HIDE))
			sum += t->cols[i].width != 0 ? t->cols[i].width : 1;
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & REPORT_HIDE)
			continue;
		idx[n] = i;
		x[n] = at;
		w[n] = (PDF_W - 2 * PDF_MARGIN) *
		       (t->cols[i].width != 0 ? t->cols[i].width : 1) / sum;
		at += w[n];
		n++;
	}
	return n;
}

static enum pdf_align
pdf_col_align(const struct report_col *c)
{
	return c->kind == REPORT_TEXT || c->kind == REPORT_DATE ? PDF_LEFT
	                                                        : PDF_RIGHT;
}

static void
pdf_heading(struct pdf *p, const struct report_table *t, size_t n,
            const double *x, const double *w, const size_t *idx)
{
	const struct report_col *c;
	size_t i;

	cairo_set_source_rgb(p->cr, 0.85, 0.88, 0.92);
	cairo_rectangle(p->cr, PDF_MARGIN, p->y, PDF_W - 2 * PDF_MARGIN,
	                PDF_HEAD_ROW);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (i = 0; i < n; i++) {
		c = &t->cols[idx[i]];
		pdf_text(p, x[i] + 2, p->y + 2.5, w[i] - 4,
		         report_tr(p->r, c->label_id, c->label_en), 7, 1,
		         pdf_col_align(c));
	}
	p->y += PDF_HEAD_ROW;
}

/*
 * A total line over rows [r0, r1): 'label' in the first column, each
 * summed column's total in its own.
 */
static void
pdf_total_row(struct pdf *p, const struct report_table *t, size_t n,
              const double *x, const double *w, const size_t *idx, size_t r0,
              size_t r1, const char *label, int grand)
{
	struct report_cell v = {0, 0, NULL};
	char buf[256];
	size_t i;
	int null;

	if (pdf_need(p, PDF_ROW))
		pdf_heading(p, t, n, x, w, idx);
	cairo_set_source_rgb(p->cr, grand ? 0.80 : 0.92, grand ? 0.80 : 0.92,
	                     grand ? 0.80 : 0.92);
	cairo_rectangle(p->cr, PDF_MARGIN, p->y, PDF_W - 2 * PDF_MARGIN,
	                PDF_ROW);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (i = 0; i < n; i++) {
		if (i == 0) {
			pdf_text(p, x[i] + 2, p->y + 2, w[i] - 4, label, 7, 1,
			         PDF_LEFT);
			continue;
		}
		if (!(t->cols[idx[i]].flags & REPORT_SUM))
			continue;
		v.i = report_total(t, idx[i], r0, r1, &null);
		v.null = null;
		if (null)
			continue;
		pdf_text(p, x[i] + 2, p->y + 2, w[i] - 4,
		         report_cell_text(p->r, &t->cols[idx[i]], &v, buf,
		                          sizeof(buf)),
		         7, 1, PDF_RIGHT);
	}
	p->y += PDF_ROW;
}

static int
pdf_has_sum(const struct report_table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].flags & REPORT_SUM)
			return 1;
	return 0;
}

static int
pdf_same_group(const struct report_table *t, size_t a, size_t b)
{
	const struct report_cell *x, *y;

	x = report_cell(t, a, (size_t)t->group_col);
	y = report_cell(t, b, (size_t)t->group_col);
	if (x->null || y->null)
		return x->null == y->null;
	if (x->s != NULL || y->s != NULL)
		return x->s != NULL && y->s != NULL && strcmp(x->s, y->s) == 0;
	return x->i == y->i;
}

/* Horizontal bars of chart_value by chart_label, scaled to the largest. */
static void
pdf_chart(struct pdf *p, const struct report_table *t)
{
	const struct report_col *vc = &t->cols[t->chart_value];
	const struct report_cell *v;
	double lw = 150, vw = 70, bx, bw;
	char title[160], buf[256];
	int64_t max = 0;
	size_t i;

	if (t->nrows == 0 || t->nrows > PDF_CHART_MAX)
		return;
	for (i = 0; i < t->nrows; i++) {
		v = report_cell(t, i, (size_t)t->chart_value);
		if (!v->null && v->i > max)
			max = v->i;
	}
	if (max <= 0)
		return;
	p->y += 6;
	pdf_need(p, PDF_TITLE_ROW + PDF_BAR_ROW * 3);
	snprintf(title, sizeof(title), "%s: %s",
	         report_tr(p->r, "Grafik", "Chart"),
	         report_tr(p->r, vc->label_id, vc->label_en));
	pdf_text(p, PDF_MARGIN, p->y, PDF_W - 2 * PDF_MARGIN, title, 9, 1,
	         PDF_LEFT);
	p->y += 16;
	bx = PDF_MARGIN + lw + 4;
	bw = PDF_W - 2 * PDF_MARGIN - lw - vw - 8;
	for (i = 0; i < t->nrows; i++) {
		pdf_need(p, PDF_BAR_ROW);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		pdf_text(
		    p, PDF_MARGIN, p->y + 1.5, lw,
		    report_cell_text(p->r, &t->cols[t->chart_label],
		                     report_cell(t, i, (size_t)t->chart_label),
		                     buf, sizeof(buf)),
		    7, 0, PDF_RIGHT);
		v = report_cell(t, i, (size_t)t->chart_value);
		if (!v->null && v->i > 0) {
			cairo_set_source_rgb(p->cr, 0.22, 0.45, 0.70);
			cairo_rectangle(p->cr, bx, p->y + 2,
			                bw * (double)v->i / (double)max,
			                PDF_BAR_ROW - 4);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		pdf_text(p, PDF_W - PDF_MARGIN - vw, p->y + 1.5, vw,
		         report_cell_text(p->r, vc, v, buf, sizeof(buf)), 7, 0,
		         PDF_RIGHT);
		p->y += PDF_BAR_ROW;
	}
}

static void
pdf_table(struct pdf *p, const struct report_table *t)
{
	double x[32], w[32];
	size_t idx[32], n, i, j, g0 = 0;
	char buf[256], label[300];

	if (t->ncols > 32)
		return;
	n = pdf_columns(t, x, w, idx);
	if (p->y > PDF_TOP)
		p->y += 10;
	pdf_need(p, PDF_TITLE_ROW + PDF_HEAD_ROW + PDF_ROW);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pdf_text(p, PDF_MARGIN, p->y, PDF_W - 2 * PDF_MARGIN,
	         report_tr(p->r, t->title_id, t->title_en), 11, 1, PDF_LEFT);
	p->y += PDF_TITLE_ROW - 4;
	pdf_heading(p, t, n, x, w, idx);
	if (t->nrows == 0) {
		pdf_text(p, PDF_MARGIN + 2, p->y + 2, PDF_W - 2 * PDF_MARGIN,
		         report_tr(p->r, "(tidak ada data)", "(no data)"), 7, 0,
		         PDF_LEFT);
		p->y += PDF_ROW;
		return;
	}
	for (i = 0; i < t->nrows; i++) {
		if (pdf_need(p, PDF_ROW))
			pdf_heading(p, t, n, x, w, idx);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		for (j = 0; j < n; j++)
			pdf_text(p, x[j] + 2, p->y + 2, w[j] - 4,
			         report_cell_text(p->r, &t->cols[idx[j]],
			                          report_cell(t, i, idx[j]),
			                          buf, sizeof(buf)),
			         7, 0, pdf_col_align(&t->cols[idx[j]]));
		p->y += PDF_ROW;
		if (t->group_col >= 0 && pdf_has_sum(t) &&
		    (i + 1 == t->nrows || !pdf_same_group(t, i, i + 1))) {
			snprintf(label, sizeof(label), "%s %s",
			         report_tr(p->r, "Subtotal", "Subtotal"),
			         report_cell_text(
			             p->r, &t->cols[t->group_col],
			             report_cell(t, i, (size_t)t->group_col),
			             buf, sizeof(buf)));
			pdf_total_row(p, t, n, x, w, idx, g0, i + 1, label, 0);
			g0 = i + 1;
		}
	}
	if (pdf_has_sum(t))
		pdf_total_row(p, t, n, x, w, idx, 0, t->nrows,
		              report_tr(p->r, "Jumlah", "Total"), 1);
	if (t->chart_value >= 0 && t->chart_label >= 0)
		pdf_chart(p, t);
}

/* Draws the whole document; returns the pages, or -1 on a cairo error. */
static int
pdf_draw(const struct report *r, cairo_write_func_t fn, void *closure,
         int total)
{
	struct pdf p;
	size_t i;
	int rc;

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.total = total;
	p.surface =
	    cairo_pdf_surface_create_for_stream(fn, closure, PDF_W, PDF_H);
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE,
	                               report_tr(r, r->title_id, r->title_en));
	cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR,
	                               "pantau " PACKAGE_VERSION);
	p.cr = cairo_create(p.surface);
	p.layout = pango_cairo_create_layout(p.cr);
	/* Pango sizes are points: one point is one unit of a PDF surface */
	pango_cairo_context_set_resolution(pango_layout_get_context(p.layout),
	                                   72);
	pango_layout_context_changed(p.layout);
	pango_layout_set_ellipsize(p.layout, PANGO_ELLIPSIZE_END);
	for (i = 0; i < 2; i++) {
		p.fonts[i] = pango_font_description_from_string(PDF_FONT);
		pango_font_description_set_weight(
		    p.fonts[i], i ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	}
	pdf_new_page(&p);
	for (i = 0; i < r->ntables; i++)
		pdf_table(&p, &r->tables[i]);
	cairo_show_page(p.cr);
	if (total > 0)
		report_progress(r, "PDF pages", (size_t)p.page, (size_t)total);
	for (i = 0; i < 2; i++)
		pango_font_description_free(p.fonts[i]);
	g_object_unref(p.layout);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	rc = cairo_surface_status(p.surface) == CAIRO_STATUS_SUCCESS ? p.page
	                                                             : -1;
	cairo_surface_destroy(p.surface);
	return rc;
}

int
report_render_pdf(const struct report *r, FILE *out)
{
	int pages;

	if ((pages = pdf_draw(r, pdf_write_nothing, NULL, 0)) == -1)
		return -1;
	if (pdf_draw(r, pdf_write_file, out, pages) != pages)
		return -1;
	return fflush(out) == EOF ? -1 : 0;
}

#ifdef __SANITIZE_ADDRESS__
/*
 * fontconfig (2.14, Debian 12) loses a few hundred bytes while parsing its
 * configuration, once per process; LeakSanitizer would fail every program
 * that draws a PDF.  The runtime asks this hook for suppressions.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* and no "Suppressions used" table on every run's stderr */
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

void
report_pdf_release(void)
{
	/* this thread's font map, with the fonts it holds */
	pango_cairo_font_map_set_default(NULL);
}
