/**
 * The lab's POST /api/labs, started by a classic script in the lesson page's <head> before any module has
 * loaded: on a phone's network the page's modules take a few round trips to arrive, and the lab is created
 * meanwhile instead of after them (bench/lab-open.mjs). `startLab` takes the answer with `takeEarlyLab`.
 *
 * The script is this file's one string, so its CSP hash is one constant for every page (astro.config.mjs);
 * the lesson comes from the script element's `data-lesson`. It makes the learner id as `learnerId` does
 * (src/client/learner.ts), and asks as `openLab` does (src/client/lab-api.ts): tests/unit/lab-early.test.ts
 * runs it and checks both. It also reads the answer's JSON as soon as it arrives (`body`): the lab can then start
 * its clients in the very task of the Lab tab's press, before the page lays out and draws the lab it just
 * showed, instead of a task later (on a 4× slower phone CPU that frame is ~140 ms: bench/lab-open.mjs).
 */
export const EARLY_LAB_SCRIPT = `(()=>{try{var s=document.currentScript,l=s&&s.dataset.lesson,k="playground:learner",i=localStorage.getItem(k);if(!l)return;if(!i||!/^[A-Za-z0-9_-]{16,128}$/.test(i)){i=crypto.randomUUID();localStorage.setItem(k,i)}var e=window.__earlyLab={lesson:l,learner:i,response:fetch("/api/labs",{method:"POST",headers:{"content-type":"application/json"},body:JSON.stringify({lesson:l,learner:i})})};e.response.then(function(r){return r.clone().json()}).then(function(b){e.body=b},function(){})}catch(x){}})()`;

/** What the early script leaves on `window`. */
export interface EarlyLab {
  lesson: string;
  learner: string;
  response: Promise<Response>;
  /** The answer's JSON, once the early script has read it (a copy: `response` can still be read). */
  body?: unknown;
}

declare global {
  interface Window {
    __earlyLab?: EarlyLab;
  }
}

/**
 * The early script's answer for this lesson and learner, once; undefined when the page had no early script
 * (the embed page, the home demo), when it asked for another lesson or learner, or when it was taken already.
 */
export function takeEarlyLab(lesson: string, learner: string, scope: { __earlyLab?: EarlyLab } = window): EarlyLab | undefined {
  const early = scope.__earlyLab;
  if (!early || early.lesson !== lesson || early.learner !== learner) return undefined;
  delete scope.__earlyLab;
  return early;
}
