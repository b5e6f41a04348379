#!/usr/bin/env python3
"""Parses one .eml file with Python's email package (and any .ics part with the
icalendar package) and prints what the HTTP tests check, as JSON:
{subject, to, message_id, text, html, attachments: [{filename, content_type, size, sha256}],
 calendars: [{method, uid, summary, location, dtstart, dtend}]}.
Exits non-zero when the message does not parse."""
import email
import email.policy
import hashlib
import json
import sys

from icalendar import Calendar


def main(path):
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    out = {'subject': str(msg['subject']), 'to': str(msg['to']), 'message_id': str(msg['message-id']),
           'content_type': msg.get_content_type(), 'text': None, 'html': None,
           'attachments': [], 'calendars': []}
    body = msg.get_body(preferencelist=('plain',))
    if body is not None:
        out['text'] = body.get_content()
    html = msg.get_body(preferencelist=('html',))
    if html is not None:
        out['html'] = html.get_content()
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True)
        out['attachments'].append({'filename': part.get_filename(), 'content_type': part.get_content_type(),
                                   'size': len(data), 'sha256': hashlib.sha256(data).hexdigest()})
        if part.get_content_type() == 'text/calendar':
            cal = Calendar.from_ical(data)
            for ev in cal.walk('VEVENT'):
                out['calendars'].append({
                    'method': str(cal.get('method')), 'version': str(cal.get('version')),
                    'uid': str(ev.get('uid')), 'summary': str(ev.get('summary')),
                    'location': str(ev.get('location')),
                    'dtstart': ev.decoded('dtstart').isoformat(),
                    'dtend': ev.decoded('dtend').isoformat()})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main(sys.argv[1])
