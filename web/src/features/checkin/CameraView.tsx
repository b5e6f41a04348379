// The camera preview, decoding QR codes continuously (@zxing/browser). Prefers the back
// camera; reports when there is none (or no permission) so the page offers typing.
import { useEffect, useRef } from 'react';
import { BrowserQRCodeReader, type IScannerControls } from '@zxing/browser';

export function CameraView({ onCode, onUnavailable }: { onCode: (text: string) => void; onUnavailable: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const latest = useRef(onCode);
  latest.current = onCode;
  const unavailable = useRef(onUnavailable);
  unavailable.current = onUnavailable;

  useEffect(() => {
    let controls: IScannerControls | null = null;
    let stopped = false;
    if (!navigator.mediaDevices?.getUserMedia || !video.current) {
      unavailable.current();
      return;
    }
    const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 150 });
    reader
      .decodeFromConstraints({ video: { facingMode: 'environment' } }, video.current, (result) => {
        if (result) latest.current(result.getText());
      })
      .then((c) => {
        if (stopped) c.stop();
        else controls = c;
      })
      .catch(() => unavailable.current());
    return () => {
      stopped = true;
      controls?.stop();
    };
  }, []);

  return (
    <div className="scanner-camera">
      <video ref={video} muted playsInline aria-label="Camera preview" />
      <div className="scanner-frame" aria-hidden="true" />
    </div>
  );
}
