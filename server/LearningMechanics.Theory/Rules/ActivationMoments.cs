namespace LearningMechanics.Theory.Rules;

/// <summary>For (u, v) ~ N(0, [[q1, k], [k, q2]]): <see cref="Sigma"/> = E[phi(u) phi(v)], <see cref="SigmaDot"/> = E[phi'(u) phi'(v)].</summary>
public readonly record struct ActivationMoments(double Sigma, double SigmaDot);
