// A short sound and a vibration for each answer: one high tone for ok, two low for a refusal.
let audio: AudioContext | null = null;

function tone(ctx: AudioContext, freq: number, start: number, length: number) {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = freq;
  osc.type = 'square';
  gain.gain.setValueAtTime(0.12, ctx.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(ctx.currentTime + start);
  osc.stop(ctx.currentTime + start + length);
}

export function signal(ok: boolean) {
  try {
    navigator.vibrate?.(ok ? 120 : [120, 80, 120]);
    const Ctor = window.AudioContext;
    if (!Ctor) return;
    audio ??= new Ctor();
    if (ok) tone(audio, 1320, 0, 0.15);
    else {
      tone(audio, 220, 0, 0.18);
      tone(audio, 220, 0.25, 0.18);
    }
  } catch {
    // No sound on this device: the screen still says it.
  }
}
