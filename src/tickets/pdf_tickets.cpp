#include "tickets/pdf_tickets.hpp"

#include <algorithm>
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
constexpr double kQrSize = 212.0;  // quiet zone included: ~75 mm
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

// Draws the text at (x, y) and answers the y below it.
double draw(cairo_t* cr, const std::string& text, double x, double y, double width, const Style& s) {
  if (text.empty()) return y;
  LayoutPtr layout = fit(cr, text, width, s);
  auto* l = static_cast<PangoLayout*>(layout.get());
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l);
  int w = 0, h = 0;
  pango_layout_get_size(l, &w, &h);
  return y + static_cast<double>(h) / PANGO_SCALE;
}

void draw_qr(cairo_t* cr, const std::string& text, double x, double y, double size) {
  auto modules = qr_modules(text);
  if (modules.empty()) throw std::runtime_error("the ticket code does not fit a QR code");
  const double n = static_cast<double>(modules.size()) + 8.0;  // 4 modules of quiet zone each side
  const double m = size / n;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, size, size);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  // One path: a rectangle per horizontal run of dark modules, plus a thin bridge across the
  // edge between two rows wherever both are dark, so that no renderer shows hairline seams
  // between rows (which hurt scanning from a screen).
  const double bridge = m * 0.2;
  auto runs = [&](std::size_t r, auto&& dark, double y0, double h) {
    const std::size_t n = modules[r].size();
    for (std::size_t c = 0; c < n;) {
      if (!dark(c)) {
        ++c;
        continue;
      }
      std::size_t end = c;
      while (end < n && dark(end)) ++end;
      cairo_rectangle(cr, x + (static_cast<double>(c) + 4) * m, y0, static_cast<double>(end - c) * m, h);
      c = end;
    }
  };
  for (std::size_t r = 0; r < modules.size(); ++r) {
    const double top = y + (static_cast<double>(r) + 4) * m;
    runs(r, [&](std::size_t c) { return modules[r][c]; }, top, m);
    if (r + 1 < modules.size())
      runs(r, [&](std::size_t c) { return modules[r][c] && modules[r + 1][c]; }, top + m - bridge, 2 * bridge);
  }
  cairo_fill(cr);
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
  LayoutPtr title = fit(cr, e.title, kTextW, Style{22, 12, 3, true});
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

  const double qr_y = std::max(y + 10, 190.0);
  draw_qr(cr, t.qr.value_or(""), (kPageW - kQrSize) / 2, qr_y, kQrSize);

  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  y = qr_y + kQrSize + 6;
  y = draw(cr, t.attendee_name, kMargin, y, kTextW, Style{20, 10, 2, true, PANGO_ALIGN_CENTER});
  y = draw(cr, pt.type_name + "  ·  " + pt.price, kMargin, y + 4, kTextW,
           Style{12, 8, 2, false, PANGO_ALIGN_CENTER});
  // Ids at the foot of the page.
  cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
  const std::string ids = "Ticket " + std::to_string(index + 1) + " of " +
                          std::to_string(r.tickets.size()) + "  ·  " + t.id + "\nRegistration " +
                          r.id + "  ·  Event " + e.id;
  draw(cr, ids, kMargin, kPageH - kMargin - 26, kTextW, Style{8, 6, 2, false, PANGO_ALIGN_CENTER});
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
