#include "tickets/pdf_tickets.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "common/money.hpp"
#include "common/zoned_time.hpp"

namespace admit::tickets {
namespace {

constexpr double kPageW = 419.53;  // A5 in points
constexpr double kPageH = 595.28;
constexpr double kMargin = 28.0;
constexpr double kTextW = kPageW - 2 * kMargin;
constexpr double kQrSize = 212.0;  // at most, quiet zone included: ~75 mm
constexpr const char* kFamily = "Noto Sans, DejaVu Sans";

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { F(p); }
};
void unref_object(void* p) { g_object_unref(p); }
using LayoutPtr = std::unique_ptr<PangoLayout, Deleter<void, unref_object>>;

struct Style {
  double size_max;
  double size_min;
  int max_lines;
  bool bold = false;
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

// A layout of `text` in `width`, wrapped, shrunk from size_max towards size_min until it
// fits in max_lines, then ellipsized: it never takes more than max_lines lines.
LayoutPtr fit(cairo_t* cr, const std::string& text, double width, const Style& s) {
  // pango_cairo's default font map is one per thread: fontconfig's scan and the font
  // cache are paid once per thread, then serve every later ticket.
  LayoutPtr layout{pango_cairo_create_layout(cr)};
  PangoLayout* l = static_cast<PangoLayout*>(layout.get());
  pango_layout_set_text(l, text.c_str(), static_cast<int>(text.size()));
  pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(l, s.align);
  PangoFontDescription* desc = pango_font_description_from_string(kFamily);
  pango_font_description_set_weight(desc, s.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  for (double size = s.size_max;; size -= 1.0) {
    pango_font_description_set_size(desc, static_cast<int>(size * PANGO_SCALE));
    pango_layout_set_font_description(l, desc);
    if (pango_layout_get_line_count(l) <= s.max_lines) break;
    if (size - 1.0 < s.size_min) {
      pango_layout_set_height(l, -s.max_lines);
      pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
      break;
    }
  }
  pango_font_description_free(desc);
  return layout;
}

double height_of(const LayoutPtr& layout) {
  int w = 0, h = 0;
  pango_layout_get_size(static_cast<PangoLayout*>(layout.get()), &w, &h);
  return static_cast<double>(h) / PANGO_SCALE;
}

// Shows a laid-out text at (x, y) and answers the y below it.
double show(cairo_t* cr, const LayoutPtr& layout, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, static_cast<PangoLayout*>(layout.get()));
  return y + height_of(layout);
}

// Draws the text at (x, y) and answers the y below it.
double draw(cairo_t* cr, const std::string& text, double x, double y, double width, const Style& s) {
  if (text.empty()) return y;
  return show(cr, fit(cr, text, width, s), x, y);
}

// The code as an image of one pixel per module (quiet zone included), scaled up with
// nearest-neighbour filtering: the PDF gets a ~2 KB image with /Interpolate false, sharp at
// any zoom, instead of hundreds of rectangles (whose numbers cost more to write and to
// compress than everything else on the page, and whose edges some renderers show as seams).
void draw_qr(cairo_t* cr, const std::string& text, double x, double y, double size) {
  auto modules = qr_modules(text);
  if (modules.empty()) throw std::runtime_error("the ticket code does not fit a QR code");
  const int n = static_cast<int>(modules.size()) + 8;  // 4 modules of quiet zone each side
  cairo_surface_t* img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, n, n);
  cairo_surface_flush(img);
  unsigned char* data = cairo_image_surface_get_data(img);
  const int stride = cairo_image_surface_get_stride(img);
  for (int r = 0; r < n; ++r) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + r * stride);
    for (int c = 0; c < n; ++c) {
      const bool dark = r >= 4 && c >= 4 && r < n - 4 && c < n - 4 &&
                        modules[static_cast<std::size_t>(r - 4)][static_cast<std::size_t>(c - 4)];
      row[c] = dark ? 0x000000u : 0xFFFFFFu;
    }
  }
  cairo_surface_mark_dirty(img);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_scale(cr, size / n, size / n);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle(cr, 0, 0, n, n);
  cairo_fill(cr);
  cairo_restore(cr);
  cairo_surface_destroy(img);
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string pdf_date(Timestamp t) {
  std::string s = format_rfc3339(std::chrono::floor<std::chrono::seconds>(t));
  return s;  // cairo takes ISO 8601
}

struct PageText {
  std::string type_name;
  std::string price;
};

void draw_page(cairo_t* cr, const TicketSheet& sheet, const Ticket& t, const PageText& pt,
               std::size_t index) {
  const Event& e = sheet.event;
  const Registration& r = sheet.registration;
  // Header band with the title.
  LayoutPtr title = fit(cr, e.title, kTextW, Style{20, 12, 3, true});
  int tw = 0, th = 0;
  pango_layout_get_size(static_cast<PangoLayout*>(title.get()), &tw, &th);
  const double band = kMargin + static_cast<double>(th) / PANGO_SCALE + 16;
  cairo_set_source_rgb(cr, 0.11, 0.20, 0.38);
  cairo_rectangle(cr, 0, 0, kPageW, band);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_move_to(cr, kMargin, kMargin - 6);
  pango_cairo_show_layout(cr, static_cast<PangoLayout*>(title.get()));

  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  const LocalTime when = local_time(e.starts_at, e.timezone);
  double y = band + 12;
  y = draw(cr, when.date + ", " + when.time + " " + when.zone, kMargin, y, kTextW, Style{13, 9, 2, true});
  y = draw(cr, "Time zone: " + e.timezone + " (UTC" + when.offset + ")", kMargin, y + 2, kTextW,
           Style{9, 7, 1});
  y = draw(cr, e.venue, kMargin, y + 4, kTextW, Style{11, 8, 2});
  if (!sheet.organizer_name.empty())
    y = draw(cr, "Organizer: " + sheet.organizer_name, kMargin, y + 2, kTextW, Style{9, 7, 1});

  // From the foot up: ids, then the attendee block, then the QR code takes the space left
  // between (212 pt at most, ~75 mm; never under 150 pt, which the worst case of every box
  // at its line limit still leaves), so no box ever runs into another.
  const std::string ids = "Ticket " + std::to_string(index + 1) + " of " +
                          std::to_string(r.tickets.size()) + "  ·  " + t.id + "\nRegistration " +
                          r.id + "  ·  Event " + e.id;
  LayoutPtr foot = fit(cr, ids, kTextW, Style{8, 6, 2, false, PANGO_ALIGN_CENTER});
  LayoutPtr name = fit(cr, t.attendee_name, kTextW, Style{20, 10, 2, true, PANGO_ALIGN_CENTER});
  LayoutPtr kind = fit(cr, pt.type_name + "  ·  " + pt.price, kTextW, Style{12, 8, 2, false, PANGO_ALIGN_CENTER});
  const double foot_top = kPageH - kMargin + 6 - height_of(foot);
  const double block = height_of(name) + 4 + height_of(kind);
  const double qr_top = y + 10;
  const double qr = std::clamp(foot_top - 10 - block - 6 - qr_top, 150.0, kQrSize);
  draw_qr(cr, t.qr.value_or(""), (kPageW - qr) / 2, qr_top, qr);

  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  y = show(cr, name, kMargin, qr_top + qr + 6);
  show(cr, kind, kMargin, y + 4);
  cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
  show(cr, foot, kMargin, foot_top);
}

}  // namespace

std::vector<std::vector<bool>> qr_modules(const std::string& text) {
  QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!code) return {};
  std::vector<std::vector<bool>> rows(static_cast<std::size_t>(code->width),
                                      std::vector<bool>(static_cast<std::size_t>(code->width)));
  for (int r = 0; r < code->width; ++r)
    for (int c = 0; c < code->width; ++c)
      rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = code->data[r * code->width + c] & 1;
  QRcode_free(code);
  return rows;
}

std::string render_ticket_pdf(const TicketSheet& sheet) {
  std::string out;
  out.reserve(64 * 1024);
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, kPageW, kPageH);
  const std::string created = pdf_date(sheet.registration.created_at);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, created.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 ("Tickets: " + sheet.event.title).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "admit");
  cairo_t* cr = cairo_create(surface);
  std::map<std::string, PageText> texts;
  for (const auto& item : sheet.registration.items) {
    const std::int64_t each = item.quantity > 0 ? item.amount / item.quantity : item.unit_price;
    texts[item.ticket_type_id] = PageText{
        item.ticket_type_name, each == 0 ? std::string("Free") : format_money(each, sheet.registration.currency)};
  }
  for (std::size_t i = 0; i < sheet.registration.tickets.size(); ++i) {
    const Ticket& t = sheet.registration.tickets[i];
    draw_page(cr, sheet, t, texts[t.ticket_type_id], i);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(std::string("PDF rendering failed: ") + cairo_status_to_string(status));
  return out;
}

}  // namespace admit::tickets
