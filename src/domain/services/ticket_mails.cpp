#include "domain/services/ticket_mails.hpp"

#include <map>

#include "common/money.hpp"
#include "common/zoned_time.hpp"
#include "domain/services/account_mails.hpp"

namespace admit {

QueuedMail tickets_mail(const Event& e, const Registration& r, const std::string& organizer,
                        const std::string& public_url) {
  QueuedMail m;
  m.to = r.buyer_email;
  m.cause_key = "tickets:" + r.id;
  m.subject = "Your tickets for " + e.title;
  const std::string when = format_local(e.starts_at, e.timezone);
  const std::string page = public_url + "/registrations/" + r.id + "/tickets";
  std::map<std::string, std::string> type_names;
  for (const auto& i : r.items) type_names[i.ticket_type_id] = i.ticket_type_name;

  std::string list_text, list_html;
  for (const auto& t : r.tickets) {
    const std::string& type = type_names[t.ticket_type_id];
    list_text += "  - " + t.attendee_name + " (" + type + "), ticket " + t.id + "\n";
    list_html += "<li>" + html_escape(t.attendee_name) + " (" + html_escape(type) + "), ticket " +
                 html_escape(t.id) + "</li>\n";
  }
  const std::string count = r.tickets.size() == 1 ? "1 ticket" : std::to_string(r.tickets.size()) + " tickets";
  m.text = "Hello " + r.buyer_name + ",\n\nyou are registered for \"" + e.title + "\".\n\n" +
           "When:  " + when + "\nWhere: " + e.venue + "\nOrganizer: " + organizer + "\n" +
           "Total: " + format_money(r.total, r.currency) + "\n\n" + "Your " + count + ":\n" +
           list_text + "\nThe attached PDF holds one page per ticket with its QR code; show it "
           "printed or on your phone at the door. The attached .ics adds the event to your "
           "calendar.\n\nYour tickets online: " + page + "\nRegistration " + r.id + "\n";
  m.html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" +
           html_escape(m.subject) + "</title></head>\n<body style=\"font-family:sans-serif\">\n" +
           "<p>Hello " + html_escape(r.buyer_name) + ",</p>\n<p>you are registered for <strong>" +
           html_escape(e.title) + "</strong>.</p>\n<table>\n<tr><td>When</td><td>" +
           html_escape(when) + "</td></tr>\n<tr><td>Where</td><td>" + html_escape(e.venue) +
           "</td></tr>\n<tr><td>Organizer</td><td>" + html_escape(organizer) +
           "</td></tr>\n<tr><td>Total</td><td>" + html_escape(format_money(r.total, r.currency)) +
           "</td></tr>\n</table>\n<p>Your " + count + ":</p>\n<ul>\n" + list_html + "</ul>\n" +
           "<p>The attached PDF holds one page per ticket with its QR code; show it printed or "
           "on your phone at the door. The attached .ics adds the event to your calendar.</p>\n" +
           "<p><a href=\"" + html_escape(page) + "\">Your tickets online</a></p>\n</body>\n</html>\n";
  return m;
}

}  // namespace admit
