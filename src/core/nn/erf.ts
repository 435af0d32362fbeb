/* eslint-disable no-loss-of-precision -- Cody's coefficients are kept digit for digit as published. */
/**
 * erf(x) to double precision by W. J. Cody's rational Chebyshev approximations ("Rational
 * Chebyshev approximations for the error function", Math. Comp. 23, 1969; netlib specfun/erf).
 * Hand-written because GELU calls it per activation in the hot loop.
 */

const THRESH = 0.46875;
const SQRPI = 5.6418958354775628695e-1;
const P0 = [3.1611237438705656, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const Q0 = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
const P1 = [
  5.64188496988670089e-1, 8.88314979438837594, 6.61191906371416295e1, 2.98635138197400131e2, 8.8195222124176909e2, 1.71204761263407058e3,
  2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
];
const Q1 = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
  3.43936767414372164e3, 1.23033935480374942e3,
];
const P2 = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const Q2 = [2.56852019228982242, 1.87295284992346047, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

/** erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= THRESH) {
    const ysq = y * y;
    let num = P0[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + P0[i]) * ysq;
      den = (den + Q0[i]) * ysq;
    }
    return (x * (num + P0[3])) / (den + Q0[3]);
  }
  const complement = y <= 4 ? erfcMiddle(y) : erfcTail(y);
  return x < 0 ? complement - 1 : 1 - complement;
}

function erfcMiddle(y: number): number {
  let num = P1[8] * y;
  let den = y;
  for (let i = 0; i < 7; i++) {
    num = (num + P1[i]) * y;
    den = (den + Q1[i]) * y;
  }
  return gaussianTail(y) * ((num + P1[7]) / (den + Q1[7]));
}

function erfcTail(y: number): number {
  if (y >= 27) return 0;
  const inverseSquare = 1 / (y * y);
  let num = P2[5] * inverseSquare;
  let den = inverseSquare;
  for (let i = 0; i < 4; i++) {
    num = (num + P2[i]) * inverseSquare;
    den = (den + Q2[i]) * inverseSquare;
  }
  const ratio = (inverseSquare * (num + P2[4])) / (den + Q2[4]);
  return (gaussianTail(y) * (SQRPI - ratio)) / y;
}

/** e^(−y²) computed as e^(−r²)·e^(−(y−r)(y+r)) with r = ⌊16y⌋/16, which keeps the precision. */
function gaussianTail(y: number): number {
  const rounded = Math.trunc(y * 16) / 16;
  return Math.exp(-rounded * rounded) * Math.exp(-(y - rounded) * (y + rounded));
}
