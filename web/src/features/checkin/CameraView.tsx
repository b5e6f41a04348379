// The camera preview, decoding QR codes continuously. Prefers the back camera; reports when
// there is none (or no permission) so the page offers typing.
//
// The page owns the stream and the decoding loop; jsQR only reads a frame. (@zxing/library
// 0.23, used before, failed with checksum errors on one printed ticket in three to six,
// clean version-8 codes that jsQR and zbar read; its camera helper could also wait for ever
// for a `canplay` that had already fired.)
import { useTranslation } from 'react-i18next';
import { useEffect, useRef } from 'react';
import jsQR from 'jsqr';

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
        const frame = context.getImageData(0, 0, canvas.width, canvas.height);
        // Printed and on-screen tickets are dark on light: no inverted pass.
        const code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
        if (code?.data) latest.current(code.data);
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
