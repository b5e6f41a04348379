// The camera preview, decoding QR codes continuously. Prefers the back camera; reports when
// there is none (or no permission) so the page offers typing.
//
// The page owns the stream and the decoding loop; @zxing/browser only decodes a frame. (Its
// own camera helper waits for the video's `canplay` after a refused play(), and never goes
// on when that event came first and autoplay then started the video: a preview that moves
// but never decodes.)
import { useTranslation } from 'react-i18next';
import { useEffect, useRef } from 'react';
import { BrowserQRCodeReader } from '@zxing/browser';

const SCAN_EVERY_MS = 150;

export function CameraView({ onCode, onUnavailable }: { onCode: (text: string) => void; onUnavailable: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const latest = useRef(onCode);
  latest.current = onCode;
  const unavailable = useRef(onUnavailable);
  unavailable.current = onUnavailable;

  useEffect(() => {
    const el = video.current;
    if (!navigator.mediaDevices?.getUserMedia || !el) {
      unavailable.current();
      return;
    }
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer = 0;
    const reader = new BrowserQRCodeReader();
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });

    // One frame: drawn once the video has one, decoded; a frame without a code is the
    // usual case and simply waits for the next.
    const scan = () => {
      if (stopped) return;
      if (context && el.readyState >= el.HAVE_CURRENT_DATA && el.videoWidth > 0) {
        if (canvas.width !== el.videoWidth || canvas.height !== el.videoHeight) {
          canvas.width = el.videoWidth;
          canvas.height = el.videoHeight;
        }
        context.drawImage(el, 0, 0, canvas.width, canvas.height);
        let text: string | null = null;
        try {
          text = reader.decodeFromCanvas(canvas).getText();
        } catch {
          /* no readable code in this frame */
        }
        if (text) latest.current(text);
      }
      timer = window.setTimeout(scan, SCAN_EVERY_MS);
    };

    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        if (stopped) {
          s.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = s;
        el.srcObject = s;
        // Muted inline video autoplays; play() is asked as well, and a refusal is harmless
        // because the loop reads whatever frame the element has.
        el.play().catch(() => undefined);
        scan();
      })
      .catch(() => unavailable.current());

    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
      el.srcObject = null;
    };
  }, []);

  return (
    <div className="scanner-camera">
      <video ref={video} autoPlay muted playsInline aria-label={t('checkin.cameraPreview')} />
      <div className="scanner-frame" aria-hidden="true" />
    </div>
  );
}
