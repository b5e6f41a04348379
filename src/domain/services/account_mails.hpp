#pragma once
// The account mails (plain text + HTML) with the product name and links built from the
// public URL: /verify?token=... and /reset-password?token=... are pages of the web app.
#include <string>
#include <string_view>

#include "domain/model/account.hpp"

namespace admit {

inline constexpr std::string_view kProductName = "admit";

// "https://tickets.example.org" + "/verify" + token → the link a mail carries.
std::string link_to(std::string_view public_url, std::string_view path, std::string_view token);

// Confirm the address of a new account (or a changed address).
Mail verification_mail(std::string_view public_url, std::string_view to, std::string_view name,
                       std::string_view secret, bool changed_address, std::string cause_key);
// Somebody tried to sign up with an address that already has an account.
Mail signup_attempt_mail(std::string_view public_url, std::string_view to, std::string_view name,
                         std::string cause_key);
Mail password_reset_mail(std::string_view public_url, std::string_view to, std::string_view name,
                         std::string_view secret, std::string cause_key);
// `tokens_revoked`: the change came from a reset link, which also revoked every API token
// (whoever knew the old password may have made some); the mail says so.
Mail password_changed_mail(std::string_view public_url, std::string_view to,
                           std::string_view name, std::string cause_key,
                           bool tokens_revoked = false);
// Sent to the old address when the account's email changes.
Mail email_changed_mail(std::string_view public_url, std::string_view to, std::string_view name,
                        std::string_view new_email, std::string cause_key);

// &, <, >, " and ' escaped for HTML text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace admit
