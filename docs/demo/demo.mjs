// The demo page: draw a digit, see the KAF network's prediction; the first KAF layer's learned
// activations drawn from its weights. With ?selftest, the self-test runs instead (selftest.mjs).
import * as tf from '@tensorflow/tfjs';
import * as kafLib from 'tfjs-kaf';

const status = document.getElementById('status');

const query = new URLSearchParams(location.search);
if (query.has('bench')) {
  const { bench } = await import('/bench.mjs');
  status.textContent = 'benchmark running...';
  document.getElementById('selftest').textContent = JSON.stringify(
    await bench(Object.fromEntries([...query].filter(([k]) => k !== 'bench').map(([k, v]) => [k, Number(v)]))),
    null,
    2,
  );
  status.textContent = 'benchmark done';
} else if (query.has('selftest')) {
  const { selftest } = await import('/selftest.mjs');
  status.textContent = 'self-test running...';
  const result = await selftest();
  document.getElementById('selftest').textContent = JSON.stringify(result, null, 2);
  status.textContent = `self-test: ${result.pass ? 'pass' : 'FAIL'}`;
} else {
  await tf.setBackend('webgl');
  await tf.ready();
  const model = await tf.loadLayersModel('/model/model.json');
  status.textContent = `model loaded (backend ${tf.getBackend()})`;
  drawCurves(model);
  setUpBoard(model);
}

function setUpBoard(model) {
  const board = document.getElementById('board');
  const ctx = board.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, board.width, board.height);
  let drawing = false;
  const point = (event) => {
    const rect = board.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  board.addEventListener('pointerdown', (event) => {
    drawing = true;
    ctx.beginPath();
    ctx.moveTo(...point(event));
  });
  board.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    ctx.lineTo(...point(event));
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 32; // MNIST strokes are 3-4 of 28 pixels wide
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.stroke();
  });
  const finish = () => {
    if (!drawing) return;
    drawing = false;
    predict(model, board);
  };
  board.addEventListener('pointerup', finish);
  // For the page test: a 28 x 28 gray image (MNIST's) painted on the board, 10 x, then predicted
  // as a drawing is.
  globalThis.kafDemo = {
    paintAndPredict(gray) {
      const image = ctx.createImageData(board.width, board.height);
      const scale = board.width / 28;
      for (let y = 0; y < board.height; y++) {
        for (let x = 0; x < board.width; x++) {
          const v = Math.round(255 * gray[Math.floor(y / scale) * 28 + Math.floor(x / scale)]);
          image.data.set([v, v, v, 255], 4 * (y * board.width + x));
        }
      }
      ctx.putImageData(image, 0, 0);
      predict(model, board);
      return Number(document.getElementById('prediction').textContent);
    },
    predictDirect(gray) {
      return tf.tidy(
        () =>
          model
            .predict(tf.tensor2d(gray, [1, 784]))
            .argMax(-1)
            .dataSync()[0],
      );
    },
  };
  board.addEventListener('pointerleave', finish);
  document.getElementById('clear').addEventListener('click', () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, board.width, board.height);
    document.getElementById('prediction').textContent = '';
    document.getElementById('bars').textContent = '';
  });
}

// 280 x 280 strokes to the 28 x 28 gray levels in [0, 1] the model was trained on, as MNIST was
// made: the digit's bounding box scaled (aspect kept) into 20 x 20, then placed in the 28 x 28
// field so that its centre of mass is at the centre (a bounding-box centring scored 26 of 40 real
// MNIST digits painted on the board against 37 of 40 fed directly).
function toInput(board) {
  return tf.tidy(() => {
    const image = tf.browser.fromPixels(board, 1).toFloat().div(255);
    const data = image.squeeze().arraySync();
    let [top, bottom, left, right] = [data.length, -1, data.length, -1];
    data.forEach((row, y) =>
      row.forEach((v, x) => {
        if (v > 0.1) [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
      }),
    );
    if (bottom < 0) return null;
    const size = Math.max(bottom - top, right - left) + 1;
    const cropped = image.slice([top, left, 0], [bottom - top + 1, right - left + 1, 1]);
    const padded = cropped.pad([
      [Math.floor((size - (bottom - top + 1)) / 2), Math.ceil((size - (bottom - top + 1)) / 2)],
      [Math.floor((size - (right - left + 1)) / 2), Math.ceil((size - (right - left + 1)) / 2)],
      [0, 0],
    ]);
    const digit = tf.image.resizeBilinear(padded, [20, 20]);
    // Centre of mass of the 20 x 20 digit, moved to the field's centre (13.5, 13.5).
    const pixels = digit.squeeze().arraySync();
    let [mass, cy, cx] = [0, 0, 0];
    pixels.forEach((row, y) => row.forEach((v, x) => ([mass, cy, cx] = [mass + v, cy + v * y, cx + v * x])));
    const offset = (centre) => Math.min(8, Math.max(0, Math.round(13.5 - centre / mass)));
    const [dy, dx] = [offset(cy), offset(cx)];
    return digit
      .pad([
        [dy, 8 - dy],
        [dx, 8 - dx],
        [0, 0],
      ])
      .reshape([1, 784]);
  });
}

function predict(model, board) {
  const input = toInput(board);
  if (input === null) return;
  const probabilities = tf.tidy(() => model.predict(input).dataSync());
  input.dispose();
  const best = probabilities.indexOf(Math.max(...probabilities));
  document.getElementById('prediction').textContent = String(best);
  const bars = document.getElementById('bars');
  bars.textContent = '';
  probabilities.forEach((p, digit) => {
    const row = document.createElement('div');
    row.innerHTML = `<span>${digit}</span><span class="bar" style="width:${Math.round(p * 160)}px"></span><span>${(100 * p).toFixed(1)}%</span>`;
    bars.appendChild(row);
  });
}

// Each neuron's activation of the first KAF layer, computed with kaf() itself on a grid of x.
function drawCurves(model) {
  const layer = model.layers.find((l) => l.getClassName() === 'KAF');
  if (!layer) return;
  const canvas = document.getElementById('curves');
  const ctx = canvas.getContext('2d');
  const alpha = layer.getWeights()[0];
  const [units] = alpha.shape;
  const shown = Math.min(units, 16);
  const points = 121;
  const b = layer.boundary;
  const xs = Array.from({ length: points }, (_, i) => -b + (2 * b * i) / (points - 1));
  const ys = tf.tidy(() => {
    const x = tf.tile(tf.tensor2d(xs, [points, 1]), [1, units]);
    return kafLib.kaf(x, alpha, { boundary: b, gamma: layer.gamma ?? undefined, kernel: layer.kernel }).arraySync();
  });
  const [cols, w, h] = [8, canvas.width / 8, canvas.height / 2];
  for (let n = 0; n < shown; n++) {
    const [x0, y0] = [(n % cols) * w, Math.floor(n / cols) * h];
    const values = ys.map((row) => row[n]);
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    ctx.strokeStyle = '#ccc';
    ctx.strokeRect(x0 + 4, y0 + 4, w - 8, h - 8);
    ctx.beginPath();
    values.forEach((v, i) => {
      const px = x0 + 4 + ((w - 8) * i) / (points - 1);
      const py = y0 + h - 4 - ((h - 8) * (v - lo)) / (hi - lo || 1);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    });
    ctx.strokeStyle = '#1f5fbf';
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.fillStyle = '#333';
    ctx.fillText(`neuron ${n + 1}`, x0 + 8, y0 + 16);
  }
}
