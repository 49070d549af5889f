// Floats as text: confidences and scores are floats, and JSON writes doubles,
// so 0.95f would print as 0.949999988079071. ShortestDouble gives the double
// whose shortest form is the float's (0.95).
#pragma once

namespace onyx::core {

double ShortestDouble(float f);

}  // namespace onyx::core
