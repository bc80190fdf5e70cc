namespace LearningMechanics.Theory;

/// <summary>Order-to-chaos phase from chi_1 (THEORY.md §3): ordered chi_1 &lt; 1, critical chi_1 = 1, chaotic chi_1 &gt; 1.</summary>
public enum Phase
{
    Ordered,
    Critical,
    Chaotic,
}
