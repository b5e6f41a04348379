#include "domain/services/account_mails.hpp"

namespace admit {
namespace {

// Wraps body paragraphs into the shared HTML frame (inline styles: mail clients ignore
// style sheets).
std::string html_frame(std::string_view title, const std::string& inner) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>";
  h += html_escape(title);
  h += "</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.5; color: #1a1a1a;\">\n";
  h += inner;
  h += "<p style=\"color: #666; font-size: 0.9em;\">&mdash; ";
  h += kProductName;
  h += "</p>\n</body>\n</html>\n";
  return h;
}

std::string greeting(std::string_view name) {
  return name.empty() ? std::string("Hello,") : "Hello " + std::string(name) + ",";
}

std::string button(std::string_view url, std::string_view label) {
  std::string h = "<p><a href=\"";
  h += html_escape(url);
  h += "\" style=\"display: inline-block; padding: 0.6em 1.2em; background: #1d4ed8; color: #fff; "
       "text-decoration: none; border-radius: 4px;\">";
  h += html_escape(label);
  h += "</a></p>\n<p>Or open this link:<br>\n<a href=\"";
  h += html_escape(url);
  h += "\">";
  h += html_escape(url);
  h += "</a></p>\n";
  return h;
}

std::string para(std::string_view text) { return "<p>" + html_escape(text) + "</p>\n"; }

std::string signature() { return "\n-- \n" + std::string(kProductName) + "\n"; }

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string link_to(std::string_view public_url, std::string_view path, std::string_view token) {
  std::string url(public_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  url += "?token=";
  url += token;  // base64url: safe in a query without escaping
  return url;
}

Mail verification_mail(std::string_view public_url, std::string_view to, std::string_view name,
                       std::string_view secret, bool changed_address, std::string cause_key) {
  const std::string url = link_to(public_url, "/verify", secret);
  const std::string intro =
      changed_address
          ? "Please confirm that this is the new email address of your " +
                std::string(kProductName) + " account."
          : "Welcome to " + std::string(kProductName) +
                "! Please confirm your email address to finish creating your account.";
  Mail m;
  m.to = std::string(to);
  m.subject = "Confirm your email address for " + std::string(kProductName);
  m.text = greeting(name) + "\n\n" + intro + "\n\n" + url +
           "\n\nThe link works once and expires in 24 hours. If you did not ask for this, "
           "ignore this mail.\n" + signature();
  m.html = html_frame(m.subject, para(greeting(name)) + para(intro) +
                                     button(url, "Confirm email address") +
                                     para("The link works once and expires in 24 hours. If you "
                                          "did not ask for this, ignore this mail."));
  m.cause_key = std::move(cause_key);
  return m;
}

Mail signup_attempt_mail(std::string_view public_url, std::string_view to, std::string_view name,
                         std::string cause_key) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string signin = base + "/sign-in";
  const std::string reset = base + "/forgot-password";
  const std::string intro = "Someone tried to create a new " + std::string(kProductName) +
                            " account with this email address, which already has an account.";
  Mail m;
  m.to = std::string(to);
  m.subject = "Sign-up attempt with your email address";
  m.text = greeting(name) + "\n\n" + intro +
           " If it was you, sign in instead:\n\n" + signin +
           "\n\nForgot your password? Reset it here:\n\n" + reset +
           "\n\nIf it was not you, you can ignore this mail; your account is unchanged.\n" +
           signature();
  m.html = html_frame(m.subject, para(greeting(name)) + para(intro + " If it was you, sign in instead.") +
                                     button(signin, "Sign in") +
                                     para("Forgot your password?") + button(reset, "Reset password") +
                                     para("If it was not you, you can ignore this mail; your "
                                          "account is unchanged."));
  m.cause_key = std::move(cause_key);
  return m;
}

Mail password_reset_mail(std::string_view public_url, std::string_view to, std::string_view name,
                         std::string_view secret, std::string cause_key) {
  const std::string url = link_to(public_url, "/reset-password", secret);
  const std::string intro = "Somebody (hopefully you) asked to reset the password of your " +
                            std::string(kProductName) + " account.";
  Mail m;
  m.to = std::string(to);
  m.subject = "Reset your " + std::string(kProductName) + " password";
  m.text = greeting(name) + "\n\n" + intro + " Choose a new password here:\n\n" + url +
           "\n\nThe link works once and expires in 24 hours. Setting a new password signs you "
           "out everywhere. If you did not ask for this, ignore this mail; your password stays "
           "as it is.\n" + signature();
  m.html = html_frame(m.subject, para(greeting(name)) + para(intro) + button(url, "Choose a new password") +
                                     para("The link works once and expires in 24 hours. Setting a "
                                          "new password signs you out everywhere. If you did not "
                                          "ask for this, ignore this mail; your password stays as "
                                          "it is."));
  m.cause_key = std::move(cause_key);
  return m;
}

Mail password_changed_mail(std::string_view public_url, std::string_view to,
                           std::string_view name, std::string cause_key, bool tokens_revoked) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string reset = base + "/forgot-password";
  std::string intro = "The password of your " + std::string(kProductName) +
                      " account was just changed, and other sessions were signed out.";
  if (tokens_revoked)
    intro += " Your API tokens (scripts and door scanners) were revoked too: create new ones "
             "under Account, API tokens.";
  Mail m;
  m.to = std::string(to);
  m.subject = "Your " + std::string(kProductName) + " password was changed";
  m.text = greeting(name) + "\n\n" + intro +
           "\n\nIf this was not you, reset your password now:\n\n" + reset + "\n" + signature();
  m.html = html_frame(m.subject, para(greeting(name)) + para(intro) +
                                     para("If this was not you, reset your password now.") +
                                     button(reset, "Reset password"));
  m.cause_key = std::move(cause_key);
  return m;
}

Mail email_changed_mail(std::string_view public_url, std::string_view to, std::string_view name,
                        std::string_view new_email, std::string cause_key) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string intro = "The email address of your " + std::string(kProductName) +
                            " account was changed to " + std::string(new_email) +
                            ". Mail for the account now goes there.";
  Mail m;
  m.to = std::string(to);
  m.subject = "Your " + std::string(kProductName) + " email address was changed";
  m.text = greeting(name) + "\n\n" + intro +
           "\n\nIf this was not you, contact the organizers of this site at once.\n" + base +
           "\n" + signature();
  m.html = html_frame(m.subject, para(greeting(name)) + para(intro) +
                                     para("If this was not you, contact the organizers of this "
                                          "site at once."));
  m.cause_key = std::move(cause_key);
  return m;
}

}  // namespace admit
