#pragma once
// Ticket PDFs with cairo, pango and libqrencode: one A5 page per ticket with the event's
// title, date and time in the event's time zone, venue, organizer, the attendee's name,
// ticket type and price (by the currency's minor units), ids, and the QR code of the
// ticket's signed text (error correction M, 4-module quiet zone, about 75 mm wide).
// Text of any script renders through pango's shaping and fontconfig's fallback (Noto
// fonts: Latin, Cyrillic, Greek, CJK, Arabic and Hebrew right to left, emoji); long
// titles and names wrap, then shrink, then end in an ellipsis, and never leave their box.
// Identical input gives identical bytes: the document's dates come from the registration,
// nothing from the clock. Thread-safe: each thread keeps its own pango font map.
#include <string>
#include <vector>

#include "domain/ports/ticket_documents.hpp"

namespace admit::tickets {

std::string render_ticket_pdf(const TicketSheet& sheet);

// The QR code of `text` as rows of modules (true = dark), without the quiet zone; empty
// when the text cannot be encoded.
std::vector<std::vector<bool>> qr_modules(const std::string& text);

}  // namespace admit::tickets
